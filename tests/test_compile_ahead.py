"""Background compile of the COM's and the study's tail kernels (sikernel/_compile_ahead.py).

The child compiles the kernels of ``COM_TAIL`` (``STUDY_TAIL``) by explicit signature into the
on-disk cache; the property that matters is that a COM run (the study's calls of those kernels)
afterwards *loads* every one of them from that cache (a signature that drifted from what the
caller passes would be compiled again and count as a cache miss).  Both steps run in fresh
processes on an empty cache directory (about 15 s of CPU each).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import channel_path

#: run a caller of the tail's kernels, then print each kernel's (cache hits, cache misses)
_STATS = """
import importlib, json, sys
from sikernel._compile_ahead import TAILS
{run}
out = {{}}
for module, kernels in TAILS[{tail!r}].items():
    mod = importlib.import_module(module)
    for name in kernels:
        st = getattr(mod, name).stats
        out[name] = [sum(st.cache_hits.values()), sum(st.cache_misses.values())]
print(json.dumps(out))
"""


def _assert_loaded_from_the_childs_cache(tmp_path, tail: str, run: str, *args: str) -> None:
    """Compile ``tail`` in a child into an empty cache, then run ``run`` in a fresh process with the
    compile-ahead off: each of the tail's kernels must be loaded once from that cache, never compiled."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), SIKERNEL_NUMBA_CACHE="1",
               SIKERNEL_COMPILE_AHEAD="0", SIKERNEL_CACHE_DIR=str(tmp_path / "tables"))
    child = f"from sikernel._compile_ahead import _compile; _compile({tail!r})"
    subprocess.run([sys.executable, "-c", child], env=env, check=True)
    out = subprocess.run([sys.executable, "-c", _STATS.format(run=run, tail=tail), *args], env=env,
                         check=True, capture_output=True, text=True)
    stats = json.loads(out.stdout.strip().splitlines()[-1])
    from sikernel._compile_ahead import TAILS

    assert set(stats) == {name for kernels in TAILS[tail].values() for name in kernels}, stats
    for name, (hits, misses) in stats.items():
        assert (hits, misses) == (1, 0), f"{name}: {hits} cache hits, {misses} misses (signature drift?)"


def test_com_loads_every_compiled_ahead_kernel_from_the_cache(tmp_path):
    thru = channel_path("DPO_4in_Meg7_THRU.s4p")
    _assert_loaded_from_the_childs_cache(tmp_path, "com", "from sikernel import com; com(sys.argv[1])",
                                         str(thru))


def test_start_tails_start_nothing_when_disabled(monkeypatch):
    import sikernel._compile_ahead as ca

    monkeypatch.setattr(ca, "_started", set())
    monkeypatch.setenv("SIKERNEL_COMPILE_AHEAD", "0")
    assert ca.start_com_tail() is False
    assert ca.start_study_tail() is False
    assert ca._started == set()


def test_study_loads_every_compiled_ahead_kernel_from_the_cache(tmp_path):
    """The kernels of STUDY_TAIL, compiled by the child, are loaded (never compiled) by a study of one
    port (its SI chain's grid searches and DSP rows, its eye figure)."""
    run = ("from sikernel.study import run_study; "
           "run_study(rates_gbps=(100,), architectures=('cpo',), n_draws=2, with_curves=False)")
    _assert_loaded_from_the_childs_cache(tmp_path, "study", run)


def test_wait_com_tail_waits_for_the_child(monkeypatch):
    """wait_com_tail returns False while the child still runs (timeout), True once it has
    exited, and True at once when no child was started."""
    import subprocess as sp

    import sikernel._compile_ahead as ca

    monkeypatch.setattr(ca, "_children", {})
    assert ca.wait_com_tail(0.0) is True and ca._wait("study", 0.0) is True
    child = sp.Popen([sys.executable, "-c", "import time; time.sleep(1.0)"])
    monkeypatch.setattr(ca, "_children", {"com": child})
    assert ca.wait_com_tail(0.01) is False and child.poll() is None
    assert ca.wait_com_tail(30.0) is True and child.returncode == 0


_EXIT_WITH_CHILD = """
import atexit, subprocess, sys
import sikernel._compile_ahead as ca
ca._children["com"] = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])
if sys.argv[1] == "detach":
    atexit.register(ca._let_child_outlive)   # what start_com_tail registers
"""


def test_exit_while_the_child_compiles_prints_no_resource_warning():
    """A COM that exits while its compile-ahead child still runs (by design: the child finishes the
    cache on its own) prints no "still running" ResourceWarning; without the exit hook the same
    exit does (so the check can fail)."""
    def stderr(mode):
        return subprocess.run([sys.executable, "-W", "default", "-c", _EXIT_WITH_CHILD, mode],
                              capture_output=True, text=True, check=True).stderr

    assert "is still running" in stderr("keep")
    assert "is still running" not in stderr("detach")


def test_the_first_child_registers_the_exit_hook_once(monkeypatch, tmp_path):
    """Starting the COM and the study tails registers :func:`_let_child_outlive` once, with the
    first child (the hook walks every child); a start that launches no child registers nothing."""
    import atexit
    import types

    import sikernel._compile_ahead as ca

    hooks = []
    monkeypatch.setattr(ca, "_children", {})
    monkeypatch.setattr(ca, "_started", set())
    monkeypatch.setattr(ca, "_enabled", lambda: True)
    cache = types.SimpleNamespace(_cache_file=types.SimpleNamespace(_index_path=str(tmp_path / "none")))
    monkeypatch.setattr(ca, "_last_kernel", lambda tail: types.SimpleNamespace(_cache=cache))
    monkeypatch.setattr(ca.subprocess, "Popen", lambda *a, **k: types.SimpleNamespace(poll=lambda: 0))
    monkeypatch.setattr(atexit, "register", hooks.append)
    assert ca.start_com_tail() is True and hooks == [ca._let_child_outlive]
    assert ca.start_study_tail() is True and hooks == [ca._let_child_outlive]
    assert ca.start_com_tail() is False and len(ca._children) == 2 and len(hooks) == 1
