"""The ``--pairs`` port map of ``sikernel com`` and ``sikernel eye`` (new-user trial, session 41:
a file numbered (1,2) -> (3,4) could be diagnosed from the command line but not read).

Reference: the same real channels in their own (1,3) -> (2,4) numbering, read with the default
map; the renumbered copies are written here with scikit-rf (a permutation of the S-matrix).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sikernel.cli import main

from .conftest import channel_path

#: the IEEE files' ports (P leg 1 -> 2, N leg 3 -> 4) as new ports 1..4 numbered end by end:
#: new 1 = old 1 (TX P), new 2 = old 3 (TX N), new 3 = old 2 (RX P), new 4 = old 4 (RX N)
END_BY_END = (0, 2, 1, 3)
#: a file read with the right map gives the original's figures to the parser's round trip
RTOL_RENUMBERED = 1e-6


def _renumbered(src, out_dir):
    import skrf

    net = skrf.Network(str(src))
    s = net.s[:, END_BY_END][:, :, END_BY_END]
    new = skrf.Network(frequency=net.frequency, s=s, z0=net.z0[:, END_BY_END])
    stem = src.stem + "_end_by_end"
    new.write_touchstone(filename=stem, dir=str(out_dir))
    return out_dir / f"{stem}.s4p"


def _json(capsys, argv):
    assert main(argv) == 0
    cap = capsys.readouterr()
    return json.loads(cap.out), cap.err


def test_com_reads_a_file_numbered_end_by_end_with_pairs(tmp_path, capsys):
    thru = channel_path("CA_19p75dB_thru.s4p")
    nxt = channel_path("CA_19p75dB_next1.s4p")
    fxt = channel_path("CA_19p75dB_fext1.s4p")
    want, _ = _json(capsys, ["com", str(thru), "--next", str(nxt), "--fext", str(fxt), "--json"])
    r_thru, r_next, r_fext = (_renumbered(p, tmp_path) for p in (thru, nxt, fxt))
    got, err = _json(capsys, ["com", str(r_thru), "--next", str(r_next), "--fext", str(r_fext),
                              "--pairs", "1,2:3,4", "--json"])
    assert "looks swapped" not in err
    np.testing.assert_allclose(got["com_db"], want["com_db"], rtol=RTOL_RENUMBERED)
    # without the map: the warning names the fix the command line takes
    bad, err = _json(capsys, ["com", str(r_thru), "--json"])
    assert "looks swapped" in err and "--pairs 1,2:3,4" in err
    assert bad["com_db"] < want["com_db"] - 10.0


def test_eye_reads_a_file_numbered_end_by_end_with_pairs(tmp_path, capsys):
    files = [channel_path(f"CA_19p75dB_{k}.s4p") for k in ("thru", "next1", "fext1")]
    args = ["--baud", "53.125e9", "--json"]

    def argv(thru, nxt, fxt):
        return ["eye", str(thru), "--next", str(nxt), "--fext", str(fxt), *args]

    want, _ = _json(capsys, argv(*files))
    got, err = _json(capsys, [*argv(*(_renumbered(p, tmp_path) for p in files)), "--pairs", "1,2:3,4"])
    assert "looks swapped" not in err
    for k in ("unequalised", "equalised"):
        np.testing.assert_allclose(got[k]["eye_height_v"], want[k]["eye_height_v"], rtol=RTOL_RENUMBERED)


@pytest.mark.parametrize("cmd", ["com", "eye"])
@pytest.mark.parametrize("pairs,msg", [("1-3,2-4", "--pairs"), ("1,5:2,4", "out of range")])
def test_bad_pairs_exit_2(capsys, cmd, pairs, msg):
    p = channel_path("DPO_4in_Meg7_THRU.s4p")
    extra = ["--baud", "53.125e9"] if cmd == "eye" else []
    assert main([cmd, str(p), "--pairs", pairs, *extra]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_pairs_text_round_trip():
    """The command line's default map is the reader's, and format_pairs / parse_pairs invert each
    other (the warning's --pairs is one the command line reads)."""
    from sikernel._cli.ports import DEFAULT_PAIRS_TEXT, parse_pairs
    from sikernel.channel.touchstone import DEFAULT_PAIRS, format_pairs

    assert parse_pairs(DEFAULT_PAIRS_TEXT) == DEFAULT_PAIRS
    for p in (DEFAULT_PAIRS, ((1, 2), (3, 4)), ((4, 3), (2, 1))):
        assert parse_pairs(format_pairs(p)) == p
