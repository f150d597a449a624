"""The docs site builds offline with warnings as errors, and shows what it promises.

The build (``tests/docs_site.py``) runs ``sphinx-build -W --keep-going -b html`` with
``nitpicky`` on: a broken internal reference, a docstring that is not valid reST, a page
left out of every toctree or a failing notebook cell fails it.  Skipped when the ``docs``
extra is not installed (``pip install -e ".[test,docs]"``, as ``.ci/run`` does).
"""

from __future__ import annotations

import re

import pytest

import sikernel

from .conftest import CHANNELS_DIR, P3CK, REQUIRE_CHANNELS, repo_text
from .docs_site import DOCS, REPO, build_site, docs_tools_missing

GALLERY = ("cpo_energy", "real_channels", "sweeps")


@pytest.fixture(scope="module")
def site():
    missing = docs_tools_missing()
    if missing:
        pytest.skip(f"docs extra not installed (missing {', '.join(missing)}): pip install -e '.[docs]'")
    return build_site(str(CHANNELS_DIR))


@pytest.mark.slow
def test_site_builds_with_warnings_as_errors(site):
    assert site.returncode == 0, "sphinx-build -W failed:\n" + site.log[-6000:]


@pytest.mark.slow
def test_every_page_is_there(site):
    for page in ("index", "guide/install", "guide/cpo", "guide/channels", "guide/com", "guide/eye",
                 "guide/energy", "guide/sweeps", "energy-model", "energy-model-log", "models", "hdf5-schema",
                 "validation",
                 "api/index", "api/packages/sikernel.system", "api/packages/sikernel.eye",
                 "gallery/index", *(f"gallery/{n}" for n in GALLERY)):
        assert (site.html / f"{page}.html").is_file(), page
    # the API reference has a page for every public top-level function and class
    for name in sikernel.__all__:
        obj = getattr(sikernel, name)
        if callable(obj) and not isinstance(obj, type(sikernel)):
            assert (site.html / "api" / "generated" / f"sikernel.{name}.html").is_file(), name


@pytest.mark.slow
def test_gallery_pages_show_outputs_and_figures(site):
    for name in GALLERY:
        if name == "real_channels" and not P3CK.is_dir() and not REQUIRE_CHANNELS:
            continue  # shown unexecuted without the channels (test_notebooks says why)
        html = (site.html / "gallery" / f"{name}.html").read_text()
        n_images = len(re.findall(r"<img [^>]*src=\"[^\"]*\.png\"", html))
        assert n_images >= 1, f"{name}: no figure on the rendered page"
        assert "cell_output" in html, f"{name}: no cell output on the rendered page"
        assert "Traceback" not in html, f"{name}: an exception on the rendered page"


def test_api_index_lists_every_public_name():
    text = (DOCS / "api" / "index.rst").read_text()
    listed = set(re.findall(r"^   (\w+)$", text, flags=re.M))
    modules = {n for n in sikernel.__all__ if isinstance(getattr(sikernel, n), type(sikernel))}
    missing = sorted(set(sikernel.__all__) - listed - modules - {"__version__"})
    assert not missing, f"docs/api/index.rst does not list {missing}"


def test_no_online_step():
    # the build must run offline: no intersphinx inventories, no linkcheck builder anywhere in CI
    conf = (DOCS / "conf.py").read_text()
    assert "sphinx.ext.intersphinx" not in conf
    assert "linkcheck" not in (REPO / ".ci" / "run").read_text()


def test_readme_quick_start_is_two_commands_in_step_with_ci():
    readme = repo_text("README.md")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quick, flags=re.S)
    assert len(commands) == 2, commands
    run, test = commands
    assert 'pip install ".[plot]"' in run and "sikernel study" in run  # the promised PNGs need matplotlib
    ci = (REPO / ".ci" / "run").read_text()
    assert f"\n{test}\n" in ci, f".ci/run does not run the README's test command {test!r}"
    assert "<!-- study-answer:start -->" in readme.split("## Quick start", 1)[0], "the answer comes first"
