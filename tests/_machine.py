"""The machine and package versions a generated report records (shared by
``tests/validation_report.py`` and ``benches/report.py``)."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``; else what :mod:`platform` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def package_versions(packages) -> dict[str, str | None]:
    """Python's version under ``"Python"``, then each package's installed version (None if absent)."""
    out: dict[str, str | None] = {"Python": platform.python_version()}
    for p in packages:
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            out[p] = None
    return out


def kernels_contract_fma() -> bool:
    """Whether sikernel's kernels fuse ``s += a * b`` into one FMA on this machine.

    The kernels are compiled with the ``contract`` fast-math flag (:func:`sikernel._jit.options`),
    which fuses only where the target CPU has FMA instructions (not with
    ``NUMBA_CPU_NAME=generic`` or on a CPU without them).  Tests that compare a kernel's plain
    ``s += a * b`` loop bit for bit with a reference pick the reference's rounding with this.
    Measured, not read from CPU flags: ``(1 + 2^-30)(1 - 2^-30) - 1`` is ``-2^-60`` with one
    rounding and ``0`` with two.
    """
    import numba

    from sikernel._jit import options

    @numba.njit(**{**options(), "cache": False})
    def mul_add(a: float, b: float, c: float) -> float:
        return a * b + c

    eps = 2.0 ** -30
    return mul_add(1.0 + eps, 1.0 - eps, -1.0) != 0.0
