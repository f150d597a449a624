"""The memo of :func:`sikernel.power.api.channel_op_table` (a channel's SI operating table is
computed once per channel, rate, crosstalk, receiver and search grid)."""

from __future__ import annotations

import numpy as np
import pytest

from sikernel.power import api, si
from sikernel.power.table import synthetic_channel

BAUD = 53.125e9


@pytest.fixture(scope="module")
def channel():
    return synthetic_channel(18.0, BAUD)


def test_repeat_is_served_from_the_memo_and_read_only(channel):
    op1, il1 = api.channel_op_table(channel, BAUD, 4)
    op2, il2 = api.channel_op_table(channel, BAUD, 4)
    assert op2 is op1 and il2 == il1
    with pytest.raises(ValueError):
        op1.a[0] = 0.0                    # shared: callers cannot change it
    api.clear_channel_op_cache()
    op3, _ = api.channel_op_table(channel, BAUD, 4)
    assert op3 is not op1
    np.testing.assert_array_equal(op3.a, op1.a)


def test_key_follows_channel_crosstalk_and_search_grid(channel, monkeypatch):
    op1, _ = api.channel_op_table(channel, BAUD, 4)
    other = synthetic_channel(18.5, BAUD)
    assert api.channel_op_table(other, BAUD, 4)[0] is not op1
    from sikernel.power.crosstalk import resolve

    assert api.channel_op_table(channel, BAUD, 4, crosstalk=resolve("ca"))[0] is not op1
    # a changed search grid is never served a table searched on the old one
    monkeypatch.setattr(si, "TX_SUBSETS", (si.TX_SUBSETS[0],))
    op_full, _ = api.channel_op_table(channel, BAUD, 4)
    assert op_full is not op1 and op_full.a.size < op1.a.size
