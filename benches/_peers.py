"""The peers the benchmarks compare against, in the same run.

pychopmarg (COM) and PyBERT (``pipbert``) are imported in-process when installed
(pychopmarg with the ``bench`` extra, ``pip install -e .[bench]``; PyBERT with
``pip install --no-deps "pipbert>=11,<12"``, its simulation core without the GUI
dependencies: docs/guide/install.md).  pychopmarg can also run from a
separate virtual environment named by ``SIKERNEL_PEER_VENV`` (fallback).  A
benchmark that needs a peer skips, with the reason, only when neither is possible.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEER_VENV = os.environ.get("SIKERNEL_PEER_VENV")
PEER_PY = Path(PEER_VENV) / "bin" / "python" if PEER_VENV else None


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def pychopmarg_missing() -> str | None:
    """None when pychopmarg can run (in-process or via SIKERNEL_PEER_VENV), else why not."""
    if _importable("pychopmarg"):
        return None
    if PEER_PY is not None and PEER_PY.is_file():
        return None
    return ("pychopmarg is not installed (pip install -e .[bench]) and SIKERNEL_PEER_VENV names "
            "no virtual environment with it")


def pychopmarg_where() -> str:
    """'in-process' or the fallback interpreter."""
    return "in-process" if _importable("pychopmarg") else f"subprocess {PEER_PY}"


def run_pychopmarg(req: dict) -> dict:
    """Run ``_peer_pychopmarg.run(req)`` in-process, or in the fallback venv."""
    if _importable("pychopmarg"):
        import sys

        sys.path.insert(0, str(HERE))
        try:
            import _peer_pychopmarg
        finally:
            sys.path.remove(str(HERE))
        return _peer_pychopmarg.run(req)
    out = subprocess.run([str(PEER_PY), str(HERE / "_peer_pychopmarg.py"), json.dumps(req)],
                         check=True, capture_output=True, text=True, timeout=1800)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pybert_missing() -> str | None:
    """None when PyBERT's models (``pybert.models.dfe``) import, else why not."""
    if not _importable("pybert"):
        return ('PyBERT is not installed: pip install --no-deps "pipbert>=11,<12" (its simulation '
                "core; the PyPI package pybert is unrelated; docs/guide/install.md)")
    try:
        import pybert.models.dfe  # noqa: F401
    except Exception as e:  # an unrelated 'pybert' package, or a broken install
        return f"pybert.models.dfe does not import ({type(e).__name__}: {e}); is it PyBERT (pipbert)?"
    return None


def pybert_utility_missing() -> str | None:
    """None when PyBERT's utilities (``pybert.utility``: its PRBS generator) import, else why not.

    The package imports pyibis-ami (non-GUI: click, empy, parsec, traits), which the
    ``bench`` extra installs; the GUI dependencies of pipbert are not needed.
    """
    why = pybert_missing()
    if why:
        return why
    try:
        import pybert.utility.math  # noqa: F401
    except Exception as e:
        return (f"pybert.utility does not import ({type(e).__name__}: {e}); it needs pyibis-ami "
                "(pip install -e .[bench])")
    return None
