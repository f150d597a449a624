"""Build the docs site once per test session (shared by test_docs_build and test_notebooks).

``sphinx-build -W --keep-going -b html`` of a copy of ``docs/`` into a temporary folder
(so that builds running at the same time do not race in the checkout), with a fresh
jupyter-cache folder, so the gallery notebooks are executed exactly once per session
against the library as it is now; ``test_notebooks`` then reads the executed notebooks
from the build instead of running them a second time.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
#: the docs toolchain (the ``docs`` extra); without it the site is not built
DOCS_MODULES = ("sphinx", "myst_nb", "numpydoc", "pydata_sphinx_theme", "jupytext")
#: wall-clock limit of the whole build (s): three notebooks (about 2.5 min on 2 loaded cores) + pages
BUILD_TIMEOUT_S = 1200


@dataclass(frozen=True)
class SiteBuild:
    """A finished build: exit status, its log, and where the HTML and executed notebooks are."""

    returncode: int
    log: str
    html: Path
    executed: Path  # myst-nb writes the executed notebooks here (``jupyter_execute/``)


def docs_tools_missing() -> list[str]:
    """The modules of the ``docs`` extra that are not installed."""
    return [m for m in DOCS_MODULES if importlib.util.find_spec(m) is None]


@functools.cache
def build_site(channels: str) -> SiteBuild:
    """Build the site with warnings as errors; the result is cached for the session."""
    work = Path(tempfile.mkdtemp(prefix="sikernel_docs_"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)  # kept for the session, then removed
    # build from a copy of docs/ (and the README it includes): the generated sources then
    # land in the copy, and builds running at the same time do not race in the checkout
    src = work / "src"
    shutil.copytree(DOCS, src / "docs", ignore=shutil.ignore_patterns("_build", "generated", "packages",
                                                                      "*.ipynb"))
    shutil.copy2(REPO / "README.md", src / "README.md")
    env = {**os.environ, "SIKERNEL_CHANNELS": channels, "SIKERNEL_DOCS_CACHE": str(work / "jupyter_cache"),
           "SIKERNEL_DOCS_REPO": str(REPO), "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.pop("SIKERNEL_DOCS_EXECUTE", None)
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
           "-d", str(work / "doctrees"), str(src / "docs"), str(work / "html")]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=BUILD_TIMEOUT_S)
    return SiteBuild(out.returncode, out.stdout + out.stderr, work / "html", work / "jupyter_execute")
