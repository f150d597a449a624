"""The example notebooks: jupytext percent files that run top to bottom and show figures.

The notebooks are ``notebooks/*.py`` (jupytext percent format, under version control);
the ``.ipynb`` forms are rendered from them.  When the docs toolchain is installed, the
notebooks are executed once, by the docs build (``tests/docs_site.py``, shared with
``test_docs_build``), and the executed notebooks are checked here; otherwise they are
run here with nbclient (fresh kernel, repository root as cwd).  ``real_channels`` needs
the IEEE P802.3ck channels (``SIKERNEL_CHANNELS``, default ``../shared/channels``) and
is skipped without them (failed under ``SIKERNEL_REQUIRE_CHANNELS=1``, as in CI).
"""

from __future__ import annotations

import os

import pytest

from .conftest import CHANNELS_DIR, REPO, channel_path
from .docs_site import build_site, docs_tools_missing

NOTEBOOKS = REPO / "notebooks"
NAMES = ["cpo_energy", "real_channels", "sweeps"]
#: per-cell wall-clock limit (s) when run here; all three together take about 2.5 min on 2 loaded cores
CELL_TIMEOUT_S = 600


def _read(name: str):
    jupytext = pytest.importorskip("jupytext")
    return jupytext.read(NOTEBOOKS / f"{name}.py", fmt="py:percent")


def test_the_notebooks_are_the_percent_files():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.py")) == sorted(NAMES)
    assert not (NOTEBOOKS / "make_notebooks.py").exists()


@pytest.mark.parametrize("name", NAMES)
def test_percent_file_is_stable(name):
    # reading and writing back changes nothing: pairing with an .ipynb does not churn the file
    jupytext = pytest.importorskip("jupytext")
    text = (NOTEBOOKS / f"{name}.py").read_text()
    nb = jupytext.reads(text, fmt="py:percent")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "a title first"
    again = jupytext.writes(nb, fmt="py:percent")
    strip = [ln for ln in again.splitlines() if "jupytext_version" not in ln]
    assert strip == text.splitlines()


def _executed(name: str):
    """The notebook after a top-to-bottom run: from the docs build, or run here."""
    if name == "real_channels":
        channel_path("DPO_4in_Meg7_THRU.s4p")  # skip (or fail in CI) without the channels
    if not docs_tools_missing():
        site = build_site(str(CHANNELS_DIR))
        assert site.returncode == 0, "the docs build (which runs the notebooks) failed:\n" + site.log[-6000:]
        nbformat = pytest.importorskip("nbformat")
        return nbformat.read(site.executed / "gallery" / f"{name}.ipynb", as_version=4)
    nbclient = pytest.importorskip("nbclient")
    nb = _read(name)
    env_before = os.environ.get("SIKERNEL_CHANNELS")
    os.environ["SIKERNEL_CHANNELS"] = str(CHANNELS_DIR)
    try:
        nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                resources={"metadata": {"path": str(REPO)}}).execute()
    finally:
        if env_before is None:
            os.environ.pop("SIKERNEL_CHANNELS", None)
        else:
            os.environ["SIKERNEL_CHANNELS"] = env_before
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_shows_figures(name):
    nb = _executed(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code), f"{name}: not every cell ran"
    errors = [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"{name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    images = sum(1 for c in code for o in c.outputs if "image/png" in o.get("data", {}))
    assert images >= 1, f"{name} produced no figure"
    # a section that skips itself when an extra is missing (the sweeps notebook's dask section)
    # must run here: the test extra installs every extra a notebook uses
    text = "".join(o.get("text", "") for c in code for o in c.outputs)
    assert "skipped: this section needs" not in text, f"{name}: {text}"
