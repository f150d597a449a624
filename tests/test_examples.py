"""The README's example script runs end to end and prints every figure it promises."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_quickstart_example_runs():
    out = subprocess.run([sys.executable, str(REPO / "examples" / "quickstart.py")],
                         capture_output=True, text=True, check=True, cwd=REPO, timeout=600)
    for marker in ("dB/in", "IL at Nyquist", "COM", "stat eye", "pJ/bit"):
        assert marker in out.stdout, (marker, out.stdout, out.stderr)


def test_scalar_loss_is_a_float():
    import sikernel as sk

    line = sk.Stripline("megtron7", width=150e-6, thickness=17e-6, height=150e-6, spacing=150e-6)
    assert isinstance(line.loss_db(26.5625e9, 0.0254), float)
    assert line.loss_db([1e9, 2e9], 0.0254).shape == (2,)
