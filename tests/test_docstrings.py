"""The public API is documented: numpydoc docstrings, with a Parameters section where it takes any.

Checked: every name in ``sikernel.__all__`` and every public function and class
of the public modules (every ``sikernel`` module or package whose dotted path has
no component starting with ``_``; their ``__all__`` when they define one,
otherwise the public functions and classes defined in them).

* a function with parameters needs a ``Parameters`` section (numpydoc:
  a ``Parameters`` line underlined with dashes);
* a class needs a ``Parameters`` or ``Attributes`` section when its constructor
  takes parameters (dataclass result objects document their fields as attributes);
* everything needs a non-empty docstring.

The failure message lists every offender, one per line, as ``module.name: problem``.

Ratchet: :data:`KNOWN_OFFENDERS` (in ``tests/docstring_offenders.txt``) lists the
objects that lacked a section when this test was introduced (owned by other
teams, who fix them in their own modules).  Anything *not* in that list must
comply, so every new or changed public function is checked now; a listed object
that has been fixed is reported (a warning) so that its line can be deleted.  The
goal is an empty list.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import warnings
from pathlib import Path

import sikernel

_SECTION = r"^\s*{}\s*\n\s*-{{3,}}\s*$"
#: modules that need an optional dependency beyond the core ones (skipped when it is absent)
_OPTIONAL = {"sikernel.plot": "matplotlib"}
_KNOWN_FILE = Path(__file__).with_name("docstring_offenders.txt")
#: objects (``module.qualname``) that lacked a numpydoc section when this test was added
KNOWN_OFFENDERS = frozenset(
    line.split("#")[0].strip() for line in _KNOWN_FILE.read_text().splitlines()
    if line.split("#")[0].strip()
)


def _has_section(doc: str, name: str) -> bool:
    return re.search(_SECTION.format(name), doc, flags=re.MULTILINE) is not None


def _documented_names(doc: str) -> set[str] | None:
    """Names listed in the numpydoc Parameters section (None when there is none)."""
    m = re.search(r"^Parameters[ \t]*\n-{3,}[ \t]*\n(.*?)(?=^\S[^\n]*\n-{3,}[ \t]*$|\Z)", doc,
                  flags=re.MULTILINE | re.DOTALL)
    if m is None:
        return None
    names: set[str] = set()
    for line in m.group(1).splitlines():
        if line and not line[0].isspace():
            head = line.split(" :")[0]
            names.update(n.strip().lstrip("*") for n in head.split(","))
    return names


def _signature_names(obj: object) -> list[str]:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    return [p for p in sig.parameters if p not in ("self", "cls") and not p.startswith("_")]


def _takes_parameters(obj: object) -> bool:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return False
    params = [p for p in sig.parameters.values() if p.name not in ("self", "cls")]
    if inspect.isclass(obj) and "__init__" not in vars(obj) and not hasattr(obj, "__dataclass_fields__"):
        return False  # inherited constructor (exceptions, plain classes): nothing of its own to document
    return bool(params)


def _public_modules() -> list[str]:
    names = ["sikernel"]
    for info in pkgutil.walk_packages(sikernel.__path__, prefix="sikernel."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        names.append(info.name)
    return sorted(names)


def _module_api(modname: str) -> dict[str, object]:
    mod = importlib.import_module(modname)
    if hasattr(mod, "__all__"):
        names = [n for n in mod.__all__ if not n.startswith("_")]
    else:
        names = [n for n, o in vars(mod).items() if not n.startswith("_")
                 and (inspect.isfunction(o) or inspect.isclass(o)) and o.__module__ == modname]
    out = {}
    for n in names:
        obj = getattr(mod, n)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            out[f"{getattr(obj, '__module__', modname)}.{obj.__qualname__}"] = obj
    return out


def _problems(qualname: str, obj: object) -> list[str]:
    doc = inspect.getdoc(obj) or ""
    if not doc.strip():
        return [f"{qualname}: no docstring"]
    if not _takes_parameters(obj):
        return []
    if inspect.isclass(obj):
        if not (_has_section(doc, "Parameters") or _has_section(doc, "Attributes")):
            return [f"{qualname}: class docstring has no numpydoc Parameters/Attributes section"]
        return []
    if not _has_section(doc, "Parameters"):
        return [f"{qualname}: takes parameters but has no numpydoc Parameters section"]
    listed = _documented_names(doc) or set()
    missing = [p for p in _signature_names(obj) if p not in listed]
    if missing:
        return [f"{qualname}: parameters missing from the Parameters section: {', '.join(missing)}"]
    return []


def _collect() -> dict[str, object]:
    api: dict[str, object] = {}
    for name in sikernel.__all__:
        if name == "__version__":
            continue
        obj = getattr(sikernel, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            api[f"{obj.__module__}.{obj.__qualname__}"] = obj
    for modname in _public_modules():
        dep = _OPTIONAL.get(modname.rsplit(".", 1)[0] if modname not in _OPTIONAL else modname)
        if dep is not None:
            importlib.import_module(dep)  # in the test extra: missing is an error, not a skip
        api.update(_module_api(modname))
    # only sikernel's own objects (not re-exported numpy/dataclass helpers)
    return {k: v for k, v in api.items() if k.startswith("sikernel.")}


def test_public_modules_found():
    mods = _public_modules()
    for expected in ("sikernel.response", "sikernel.channel.metrics", "sikernel.eye.com", "sikernel.power"):
        assert expected in mods


def test_public_api_has_numpydoc_docstrings():
    api = _collect()
    assert len(api) > 50
    problems = {q: p for q, obj in api.items() for p in _problems(q, obj)}
    new = sorted(p for q, p in problems.items() if q not in KNOWN_OFFENDERS)
    assert not new, (f"{len(new)} public objects lack numpydoc docstrings:\n" + "\n".join(new))
    fixed = sorted(KNOWN_OFFENDERS - set(problems))
    if fixed:
        warnings.warn("documented now, delete from tests/docstring_offenders.txt: " + ", ".join(fixed),
                      stacklevel=1)


def test_every_public_object_has_a_docstring():
    # no exemption here: an empty docstring is never acceptable
    api = _collect()
    bare = sorted(q for q, obj in api.items() if not (inspect.getdoc(obj) or "").strip())
    assert not bare, "public objects without a docstring:\n" + "\n".join(bare)


def test_checker_detects_missing_sections():
    def documented(x_m: float) -> float:
        """Square a length.

        Parameters
        ----------
        x_m : float
            Length in m.
        """
        return x_m * x_m

    def undocumented(x_m: float) -> float:
        """Square a length (no Parameters section)."""
        return x_m * x_m

    def bare(x_m: float) -> float:
        return x_m

    def partly(x_m: float, y_m: float, **extra: float) -> float:
        """Add lengths.

        Parameters
        ----------
        x_m : float
            Length in m.
        **extra
            Ignored.
        """
        return x_m + y_m

    assert _problems("documented", documented) == []
    assert _problems("partly", partly) == ["partly: parameters missing from the Parameters section: y_m"]
    assert "no numpydoc Parameters section" in _problems("undocumented", undocumented)[0]
    assert "no docstring" in _problems("bare", bare)[0]
