"""The README's example script runs end to end and prints every figure it promises."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import numpy as np

from .conftest import REPO


def _num(pattern: str, text: str) -> float:
    m = re.search(pattern, text)
    assert m, (pattern, text)
    return float(m.group(1))


def test_quickstart_example_runs():
    out = subprocess.run([sys.executable, str(REPO / "examples" / "quickstart.py")],
                         capture_output=True, text=True, check=True, cwd=REPO, timeout=600)
    txt = out.stdout
    for marker in ("dB/in", "IL at Nyquist", "COM", "stat eye", "pJ/bit"):
        assert marker in txt, (marker, txt, out.stderr)
    # stripline loss: at least the dielectric-only closed form 2.31 f[GHz] sqrt(Dk) Df dB/in
    # (Megtron 7 catalogue Dk 3.4, Df 0.002), conductor loss on top; Megtron 7 HVLP ~1 dB/in
    per_in = _num(r"stripline loss at 26.56 GHz: ([\d.]+) dB/in", txt)
    assert 2.31 * 26.5625 * np.sqrt(3.4) * 0.002 <= per_in <= 1.5
    # 10 inches of that line plus two packages (each a few dB at Nyquist)
    il = _num(r"IL at Nyquist: ([\d.]+) dB", txt)
    assert 10 * per_in - 0.1 <= il <= 10 * per_in + 8.0
    com_db = _num(r"COM (-?[\d.]+) dB", txt)
    assert 3.0 <= com_db <= 15.0  # a 14 dB channel passes 802.3ck KR comfortably
    taps = np.array(re.search(r"TX FFE \[([^\]]+)\]", txt).group(1).split(), dtype=float)
    assert abs(np.abs(taps).sum() - 1.0) <= 0.03  # 93A.1.6: c(0) = 1 - sum |c(k)| (2 decimals)
    height_mv = _num(r"worst eye: ([\d.]+) mV", txt)
    width_ui = _num(r"mV x ([\d.]+) UI", txt)
    assert height_mv > 0 and 0 < width_ui < 1
    total = _num(r": ([\d.]+) pJ/bit", txt)
    blocks = ast.literal_eval(txt[txt.index("pJ/bit") + len("pJ/bit"):].strip().splitlines()[0])
    assert total > 0 and abs(sum(blocks.values()) - total) <= 0.005 * len(blocks) + 0.005


def test_scalar_loss_is_a_float():
    import sikernel as sk

    line = sk.Stripline("megtron7", width=150e-6, thickness=17e-6, height=150e-6, spacing=150e-6)
    assert isinstance(line.loss_db(26.5625e9, 0.0254), float)
    assert line.loss_db([1e9, 2e9], 0.0254).shape == (2,)
