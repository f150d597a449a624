"""Sphinx configuration of the sikernel docs site.

Build (offline, warnings as errors; the notebooks are executed, cached by jupyter-cache)::

    pip install ".[docs]"
    SIKERNEL_CHANNELS=../shared/channels sphinx-build -W --keep-going -b html docs docs/_build/html

The gallery notebooks are the jupytext percent files ``notebooks/*.py`` (the ones under
version control); at build start they are rendered to ``docs/gallery/*.ipynb``
(generated, git-ignored), which myst-nb executes, so the site shows every output.
No step of the build reaches the network: no intersphinx, no linkcheck.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
# the checkout (notebooks/, sikernel/); the tests build from a copy of docs/ and point here
REPO = Path(os.environ.get("SIKERNEL_DOCS_REPO", DOCS.parent)).resolve()
sys.path.insert(0, str(REPO))  # document the checkout being built, not another install

import sikernel  # noqa: E402

project = "sikernel"
author = "sikernel developers"
copyright = "sikernel developers, BSD-3-Clause"
release = version = sikernel.__version__

extensions = [
    "myst_nb",  # Markdown (MyST) pages and executed notebooks
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.mathjax",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "api/_templates"]
templates_path = ["api/_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# --- internal references are checked (nitpicky); outside targets cannot be, offline ----------
nitpicky = True
# no intersphinx (it downloads inventories): names from other packages stay plain text
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|matplotlib|h5py|dask|distributed|skrf|numba|xarray|tqdm)(\..*)?"),
    (r"py:.*", r"(typing|collections|collections\.abc|os|pathlib|io|enum|dataclasses|argparse)\..*"),
    (r"py:class", r"(ArrayLike|NDArray|PathLike|Path|Figure|Axes|Network|Client|Generator|Mapping|"
                  r"Sequence|Iterable|Iterator|Callable|Any|Literal|Self|TypeAlias)"),
    (r"py:class", r"(optional|default|array_like|array-like|callable|sequence|mapping|file-like)"),
    (r"py:obj", r"(None|True|False)"),
]

# --- MyST ---------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3  # '#section' links inside the Markdown reference pages
# no warning is suppressed: a broken link between the pages fails the build

# --- API reference -------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # numpydoc Parameters sections carry the types
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
numpydoc_xref_param_type = False

# --- notebooks -----------------------------------------------------------------------------
nb_execution_mode = os.environ.get("SIKERNEL_DOCS_EXECUTE", "cache")  # "off" for a quick look
# the tests point this at a fresh folder, so that a library change re-runs the notebooks
nb_execution_cache_path = os.environ.get("SIKERNEL_DOCS_CACHE", str(DOCS / "_build" / ".jupyter_cache"))
nb_execution_timeout = 600  # per cell (s): the study cell takes about a minute on 2 loaded cores
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_show_tb = True
nb_merge_streams = True
# the real IEEE P802.3ck channels are test data, not shipped: without them the notebook that
# reads them is shown unexecuted (tests/test_notebooks.py skips it, or fails it in CI)
CHANNELS = Path(os.environ.get("SIKERNEL_CHANNELS", REPO.parent / "shared" / "channels"))
os.environ.setdefault("SIKERNEL_CHANNELS", str(CHANNELS))  # the notebook kernels inherit it
nb_execution_excludepatterns: list[str] = (
    [] if (CHANNELS / "ieee-802.3ck").is_dir() else ["gallery/real_channels.ipynb"])

# --- theme ---------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sikernel {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path: list[str] = []
# pages without sub-pages: no (empty) section navigation on the left
html_sidebars = {"*": [], "guide/*": []}
html_show_sourcelink = False


# --- API pages of the subpackages, generated from their ``__all__`` (kept in step with the code);
# a package without ``__all__`` (sikernel.system) gets one section per public submodule
API_SUBPACKAGES = ("channel", "response", "eq", "eye", "power", "system", "study", "sweep", "store", "plot",
                   "errors")


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def _module_section(modname: str, underline: str, documented: set[int]) -> list[str]:
    """reST for the public names of one module; an object gets one page (the first that lists it)."""
    import importlib
    import inspect

    mod = importlib.import_module(modname)
    names = sorted(n for n in mod.__all__ if not n.startswith("_"))
    routines = [n for n in names if inspect.isroutine(getattr(mod, n)) or inspect.isclass(getattr(mod, n))]
    data = [n for n in names if n not in routines]
    own = [n for n in routines if id(getattr(mod, n)) not in documented]
    shared = [n for n in routines if n not in own]
    documented.update(id(getattr(mod, n)) for n in own)
    lines = [modname, underline * len(modname), "", f".. automodule:: {modname}", "   :no-members:", "",
             f".. currentmodule:: {modname}", ""]
    if own:
        lines += [".. autosummary::", "   :toctree: generated", "", *(f"   {n}" for n in own), ""]
    if shared:
        lines += ["Also here (documented under another name):", "", ".. autosummary::", "",
                  *(f"   {n}" for n in shared), ""]
    for n in data:
        lines += [f".. autodata:: {n}", "   :no-value:", ""]
    return lines


def _render_api_pages() -> None:
    import importlib
    import inspect
    import pkgutil

    documented = {id(getattr(sikernel, n)) for n in sikernel.__all__
                  if inspect.isroutine(getattr(sikernel, n)) or inspect.isclass(getattr(sikernel, n))}
    out_dir = DOCS / "api" / "packages"
    out_dir.mkdir(exist_ok=True)
    for sub in API_SUBPACKAGES:
        modname = f"sikernel.{sub}"
        mod = importlib.import_module(modname)
        if hasattr(mod, "__all__"):
            lines = _module_section(modname, "=", documented)
        else:
            lines = [modname, "=" * len(modname), "", f".. automodule:: {modname}", "   :no-members:", ""]
            for info in pkgutil.iter_modules(mod.__path__, prefix=f"{modname}."):
                if not info.name.rsplit(".", 1)[1].startswith("_"):
                    if hasattr(importlib.import_module(info.name), "__all__"):
                        lines += _module_section(info.name, "-", documented)
        _write_if_changed(out_dir / f"{modname}.rst", "\n".join(lines))


# --- docstrings are numpydoc, written to be read as plain text too ----------------------------
# ``|h(k)|`` (an absolute value) would be a reST substitution reference: escape bars outside
# inline literals, math and table lines.
_LITERAL = re.compile(r"(``.*?``|:math:`.*?`|`[^`]*`_?)")


def _escape_bars(line: str) -> str:
    stripped = line.strip()
    if "|" not in line or stripped.startswith(("+-", "+=")) or (stripped[:1] == "|" == stripped[-1:]):
        return line  # a grid-table line
    parts = _LITERAL.split(line)
    return "".join(p if i % 2 else p.replace("|", "\\|") for i, p in enumerate(parts))


def _process_docstring(app, what, name, obj, options, lines) -> None:
    lines[:] = [_escape_bars(ln) for ln in lines]


# --- references in docstrings are checked offline: a ``sikernel.*`` target (or a name relative to
# the module of the docstring) must import.  It links to the page documenting that very object
# (found by identity: ``sikernel.eye.com.com`` -> ``sikernel.com``); an object that exists but is
# not in the reference (a private kernel, a module without a page) is shown as code, unlinked.
# A target that does not import stays a nitpicky warning, which fails the build.
def _documented_objects(env) -> dict[int, str]:
    found: dict[int, str] = {}
    for fullname, entry in env.get_domain("py").objects.items():
        if entry.objtype in ("method", "attribute", "property"):
            continue
        obj = _import_target(fullname)
        if obj is not _MISSING:
            found.setdefault(id(obj), fullname)
    return found


_MISSING = object()


def _import_target(target: str):
    import importlib

    try:
        return importlib.import_module(target)
    except ImportError:
        pass
    mod, _, attr = target.rpartition(".")
    while mod:
        try:
            obj = importlib.import_module(mod)
        except ImportError:
            mod, _, head = mod.rpartition(".")
            attr = f"{head}.{attr}"
            continue
        for part in attr.split("."):
            fields = getattr(obj, "__dataclass_fields__", {}) if isinstance(obj, type) else {}
            obj = getattr(obj, part, _MISSING)
            if obj is _MISSING:
                return f"field {part}" if part in fields else _MISSING  # a dataclass field: exists
        return obj
    return _MISSING


def _resolve_offline(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip("~.")
    candidates = [target] if target.startswith("sikernel") else []
    scopes = []
    module, cls = node.get("py:module") or "", node.get("py:class") or ""
    if module:
        scopes += [f"{module}.{cls}", module] if cls else [module]
    # a docstring's own module (and class): "…/x.py:docstring of sikernel.a.x.f"
    documented = re.search(r"docstring of (sikernel[\w.]*)", str(node.source or ""))
    if documented:
        parts = documented.group(1).split(".")
        scopes += [".".join(parts[:i]) for i in range(len(parts), 1, -1)]
    candidates += [f"{scope}.{target}" for scope in dict.fromkeys(scopes)]
    for cand in candidates:
        obj = _import_target(cand)
        if obj is _MISSING:
            continue
        cache = env.__dict__.setdefault("_sikernel_documented", {})
        if not cache:
            cache.update(_documented_objects(env))
        fullname = cache.get(id(obj))
        if fullname is None or isinstance(obj, (int, float, str, tuple)):
            return contnode  # exists, not in the reference: plain code
        from sphinx.util.nodes import make_refnode

        entry = env.get_domain("py").objects[fullname]
        return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, fullname)
    if "." not in target:
        # a summary line out of its module (an autosummary table): a name that exactly one loaded
        # sikernel module defines
        owners = {id(getattr(m, target)) for name, m in list(sys.modules.items())
                  if name.startswith("sikernel") and m is not None and target in vars(m)}
        if len(owners) == 1:
            return contnode
    return None


def setup(app):
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("missing-reference", _resolve_offline)


def _render_gallery() -> None:
    """``notebooks/*.py`` (jupytext percent) -> ``docs/gallery/*.ipynb``, rewritten only on change."""
    import jupytext
    import nbformat

    out_dir = DOCS / "gallery"
    out_dir.mkdir(exist_ok=True)
    sources = sorted((REPO / "notebooks").glob("*.py"))
    for stale in set(out_dir.glob("*.ipynb")) - {out_dir / f"{src.stem}.ipynb" for src in sources}:
        stale.unlink()  # a notebook that was removed or renamed
    for src in sources:
        nb = jupytext.read(src, fmt="py:percent")
        nb.metadata.pop("jupytext", None)
        text = nbformat.writes(nb)
        dst = out_dir / f"{src.stem}.ipynb"
        _write_if_changed(dst, text)


# generated API stubs are rewritten on every build: a stub left by a removed name would fail it
for _generated in (DOCS / "api" / "generated", DOCS / "api" / "packages"):
    shutil.rmtree(_generated, ignore_errors=True)
_render_gallery()
_render_api_pages()
