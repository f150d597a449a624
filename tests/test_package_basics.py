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
    for name in sikernel.__all__:  # the lazy names of sikernel/__init__.pyi
        assert getattr(sikernel, name) is not None, name


def test_unknown_attribute():
    with pytest.raises(AttributeError):
        sikernel.does_not_exist  # noqa: B018
