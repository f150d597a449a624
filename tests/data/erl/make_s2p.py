"""Write one-port test files for ERL: the TX-end (ports 1, 3) or RX-end (ports 2, 4) pair of a
P802.3ck .s4p as a single-ended .s2p (the other two ports terminated in the 50 ohm reference,
so its differential reflection is the channel's SDD11 / SDD22).

    python tests/data/erl/make_s2p.py CHANNEL.s4p OUT.s2p tx|rx
"""

from __future__ import annotations

import sys

from sikernel.channel.touchstone import parse_touchstone


def write_s2p(src: str, out: str, end: str) -> None:
    """Write the ``end`` ("tx": ports 1, 3; "rx": ports 2, 4) pair of ``src`` as ``out``."""
    f, s, z0 = parse_touchstone(src)
    p, n = (0, 2) if end == "tx" else (1, 3)
    sub = s[:, [p, n]][:, :, [p, n]]
    with open(out, "w") as fh:
        fh.write(f"! ports {p + 1},{n + 1} of {src.split('/')[-1]} (ERL one-port test file)\n")
        fh.write(f"# Hz S RI R {z0:g}\n")
        for k in range(f.size):
            m = sub[k]
            # Touchstone 1.0 2-port order: S11 S21 S12 S22
            vals = [m[0, 0], m[1, 0], m[0, 1], m[1, 1]]
            fh.write(f"{float(f[k])!r} "
                     + " ".join(f"{float(v.real)!r} {float(v.imag)!r}" for v in vals) + "\n")

if __name__ == "__main__":
    write_s2p(sys.argv[1], sys.argv[2], sys.argv[3])
