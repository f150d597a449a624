"""Package-level promises: light import, version, CLI entry point, error type."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sikernel
from sikernel import SIKernelError
from sikernel.cli import main

HEAVY = ("h5py", "matplotlib", "dask", "skrf", "numba")


def test_import_is_light():
    code = (f"import sys, sikernel; heavy = [m for m in {HEAVY!r} if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import sikernel pulled in: {out.stdout.strip()}"


def test_error_is_value_error():
    assert issubclass(SIKernelError, ValueError)


def test_version_cli(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert sikernel.__version__ in capsys.readouterr().out


def test_every_lazy_name_resolves():
    """Each public name resolves to sikernel's own object: a function or class defined in a
    sikernel module under that name (found there again), or a sikernel submodule/constant."""
    import inspect

    for name in sikernel.__all__:  # the lazy names of sikernel/__init__.pyi
        obj = getattr(sikernel, name)
        if inspect.ismodule(obj):
            assert obj.__name__.startswith("sikernel."), name
        elif inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__module__.startswith("sikernel"), (name, obj.__module__)
            assert getattr(sys.modules[obj.__module__], obj.__name__) is obj, name
        else:
            assert isinstance(obj, dict | tuple | list | str | int | float | frozenset), (name, type(obj))
        assert name in dir(sikernel), name


def test_unknown_attribute():
    with pytest.raises(AttributeError):
        sikernel.does_not_exist  # noqa: B018
