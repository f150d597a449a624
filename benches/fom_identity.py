"""Bit-identity check of the COM FOM grid search between two versions of the code.

Not part of CI (about a minute per version on 2 cores).  Run with one version checked out::

    python benches/fom_identity.py dump before.npz
    # ... change the kernels ...
    python benches/fom_identity.py dump after.npz
    python benches/fom_identity.py compare before.npz after.npz

``dump`` runs ``sikernel.com`` on the real 802.3ck channels (DPO_4in, DPO_12in,
Tp0_Tp5, C2C_PCB_SYSVIA with the default 802.3ck KR preset -- floating DFE taps, Local
Search 2 -- C2C_PCB_SYSVIA also with the 802.3ck C2C preset -- no floating taps -- and
CA_19p75dB with its 8 NEXT + 7 FEXT aggressors), records every ``grid_search`` call
(pruned grid: FOM, cursor index, exactness, the maximum) and, for each, the same grid
computed in full (``fom_grid`` with ``prune=False``: every point exact), plus the COM
values and picks.  ``compare`` requires bit-identical COM / FOM / picks, bit-identical full
grids (FOM and cursor index of every point) and, on the pruned grids, identical values
wherever both versions hold an exact point; bounds (non-exact points) may differ between
versions but must lie at or above the full grid's exact FOM.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CH = Path(os.environ.get("SIKERNEL_CHANNELS", REPO.parent / "shared" / "channels")) / "ieee-802.3ck"


def _cases():
    from sikernel.channel.touchstone import read_touchstone as rd

    ca_x = dict(next=[rd(CH / f"CA_19p75dB_next{i}.s4p", check_port_map=False) for i in range(1, 9)],
                fext=[rd(CH / f"CA_19p75dB_fext{i}.s4p", check_port_map=False) for i in range(1, 8)])
    yield "DPO_4in", rd(CH / "DPO_4in_Meg7_THRU.s4p"), {}
    yield "DPO_12in", rd(CH / "DPO_12in_Meg7_THRU.s4p"), {}
    yield "Tp0_Tp5", rd(CH / "Tp0_Tp5_28p5db_FQSFP_thru.s4p"), {}
    c2c = rd(CH / "C2C_PCB_SYSVIA_12dB_thru.s4p")
    yield "C2C_PCB_SYSVIA", c2c, {}
    yield "C2C_PCB_SYSVIA_c2c", c2c, {"preset": "802.3ck-c2c"}
    yield "CA_19p75dB_15", rd(CH / "CA_19p75dB_thru.s4p"), ca_x


def dump(path: str) -> None:
    import sikernel
    from sikernel import com
    from sikernel._kernels import com as _k
    from sikernel.eq import grid as _grid

    print("sikernel from", sikernel.__file__)
    calls: list = []
    orig = _grid.grid_search

    def spy(*args, **kw):
        g = orig(*args, **kw)
        calls.append((args, kw, g))
        return g

    _grid.grid_search = spy
    out: dict[str, np.ndarray] = {}
    try:
        for name, ch, kw in _cases():
            calls.clear()
            r = com(ch, **kw)
            out[f"{name}/com"] = np.array([r.com_db, r.fom_db] + [c.com_db for c in r.cases]
                                          + [c.fom_db for c in r.cases])
            out[f"{name}/picks"] = np.array([[c.ctle_gdc_db, c.ctle_gdc2_db, *c.tx_taps] for c in r.cases])
            for i, (args, kw_g, g) in enumerate(calls):
                key = f"{name}/{i}"
                exact = g.fom_exact if g.fom_exact is not None else np.ones(g.fom_grid_db.shape, bool)
                out[key + "/fom"] = g.fom_grid_db.copy()
                out[key + "/exact"] = exact.copy()
                out[key + "/ix"] = np.asarray(g.cursor_grid).copy()
                out[key + "/max"] = np.array([g.fom_db, g.ctle_index, g.tx_index, g.cursor_index])
                out[key + "/local_search"] = np.array(int(kw_g.get("local_search") is not None))
                full_f, full_i = _full_grid(_k, orig, args, kw_g)
                out[key + "/full_fom"] = full_f
                out[key + "/full_ix"] = full_i
            print(f"{name}: COM {r.com_db!r} dB, {len(calls)} grid(s)")
    finally:
        _grid.grid_search = orig
    np.savez_compressed(path, **out)


def _full_grid(_k, grid_search, args, kw):
    """The grid of one grid_search call with every point exact (prune=False); ``grid_search``
    is the original function (not the spy)."""
    from sikernel.eq import grid as _grid

    seen = {}
    orig = _grid._fom_rows

    def capture(*a):
        seen["a"] = a
        orig(*a)

    _grid._fom_rows = capture
    try:
        # the whole grid even where the COM ran the Local Search (only its points evaluated)
        grid_search(*args, **{k: v for k, v in kw.items() if k != "local_search"})
    finally:
        _grid._fom_rows = orig
    (basis_v, xc, fx, w, vn, offs, tx, m, bmin, bmax, flt, consts, mm, _f, _i, _e) = seen["a"]
    fom = np.empty((w.shape[0], tx.shape[0]))
    ix = np.empty(fom.shape, dtype=np.int64)
    ex = np.empty(fom.shape, dtype=np.bool_)
    _k.fom_grid(basis_v, xc, fx, w, vn, offs, tx, m, bmin, bmax, flt, *consts, mm, False, *_grid._no_search(),
                fom, ix, ex, _grid._no_terms())
    if not ex.all():
        raise SystemExit("fom_grid with prune=False left points inexact")
    return fom, ix


def _same_mode(a, b, base: str) -> bool:
    """Both dumps ran this grid_search call the same way (full grid or Local Search); a dump
    from before the Local Search kernel has no mode key (full grid)."""
    def mode(d):
        k = base + "/local_search"
        return int(d[k]) if k in d.files else 0
    return mode(a) == mode(b)


def compare(a_path: str, b_path: str) -> int:
    a = np.load(a_path)
    b = np.load(b_path)
    bad = 0
    keys_a = {k for k in a.files if not k.endswith("/local_search")}
    keys_b = {k for k in b.files if not k.endswith("/local_search")}
    if keys_a != keys_b:
        print("different keys:", sorted(keys_a ^ keys_b))
        bad += 1
    for key in sorted(keys_a & keys_b):
        x, y = a[key], b[key]
        if key.endswith("/max") and not _same_mode(a, b, key[: -len("/max")]):
            print(f"{key[: -len('/max')]}: grid maximum against Local Search pick (modes differ): "
                  "not compared")
        elif key.endswith("/local_search"):
            pass
        elif key.endswith(("/com", "/picks", "/max", "/full_fom", "/full_ix")):
            if not np.array_equal(x, y, equal_nan=True):
                print(f"DIFFERENT {key}")
                bad += 1
        elif key.endswith("/fom"):
            base = key[: -len("/fom")]
            both = a[base + "/exact"] & b[base + "/exact"]
            full = b[base + "/full_fom"]
            ok_exact = np.array_equal(x[both], y[both])
            # a Local Search grid holds NaN (not evaluated) where the search skipped a point
            bnd = ~b[base + "/exact"] & ~np.isnan(y)
            ok_bound = bool(np.all(y[bnd] >= full[bnd]))
            ok_ex_b = np.array_equal(y[b[base + "/exact"]], full[b[base + "/exact"]])
            ix_b = b[base + "/ix"]
            known = ~np.isnan(y)
            ok_ix = np.array_equal(ix_b[known], b[base + "/full_ix"][known])
            n_ex = (int(a[base + "/exact"].sum()), int(b[base + "/exact"].sum()))
            print(f"{base}: exact points {n_ex[0]} -> {n_ex[1]} of {x.size}; cursors known in b "
                  f"{int(known.sum())}; exact-in-both equal {ok_exact}, b bounds >= full {ok_bound}, "
                  f"b exact == full {ok_ex_b}, b known cursors == full {ok_ix}")
            bad += not (ok_exact and ok_bound and ok_ex_b and ok_ix)
    print("IDENTICAL" if bad == 0 else f"{bad} DIFFERENCE(S)")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    ns = ap.parse_args()
    if ns.cmd == "dump":
        dump(ns.out)
        return 0
    return compare(ns.a, ns.b)


if __name__ == "__main__":
    sys.exit(main())
