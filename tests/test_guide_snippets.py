"""The user guide's code runs as written (docs/guide/*.md).

Each page's ```python blocks are executed in order in one namespace, in a temporary working
directory that holds the page's ```toml block as ``sweep.toml`` (the sweeps page reads it by
that name).  The energy and eye pages use the ``ch`` of the channels page, as their comment
says.  The real channels are found through ``SIKERNEL_CHANNELS`` (the guide's snippets read it).
A snippet that no longer matches the API (a renamed function, a key, an argument) fails here;
new-user trial 28 found the snippets' bare file names working only inside the channel folder.
"""

from __future__ import annotations

import re
import warnings

import pytest

from .conftest import CHANNELS_DIR, channel_path, repo_text

_BLOCK = re.compile(r"^```(python|toml)\n(.*?)^```[ \t]*$", re.S | re.M)   # a fence closes alone on its line
#: pages with code, in the order a reader meets them; the value: pages whose namespace it reuses
PAGES = {"channels": (), "com": (), "energy": ("channels",), "eye": ("channels",),
         "sweeps": (), "cpo": ()}


def _blocks(page: str) -> list[tuple[str, str]]:
    return _BLOCK.findall(repo_text(f"docs/guide/{page}.md"))


def _run(page: str) -> dict:
    ns: dict = {}
    for dep in PAGES[page]:
        ns.update(_run(dep))
    for lang, code in _blocks(page):
        if lang == "python":
            exec(compile(code, f"docs/guide/{page}.md", "exec"), ns)
    return ns


@pytest.mark.parametrize("page", list(PAGES))
def test_guide_page_runs_as_written(page, tmp_path, monkeypatch, capsys):
    channel_path("DPO_4in_Meg7_THRU.s4p")   # skips (or fails under CI) without the channels
    # the snippets read SIKERNEL_CHANNELS, as a user's shell would set it; its default there is
    # relative to where they run, which is tmp_path here (review 29)
    monkeypatch.setenv("SIKERNEL_CHANNELS", str(CHANNELS_DIR.resolve()))
    monkeypatch.chdir(tmp_path)
    for lang, code in _blocks(page):
        if lang == "toml":
            (tmp_path / "sweep.toml").write_text(code)
    assert any(lang == "python" for lang, _ in _blocks(page))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the snippets' own warnings are the API's business
        ns = _run(page)
    if page == "channels":
        assert {"ch", "line"} <= ns.keys()
    if page == "com":
        assert ns["res"].com_db == pytest.approx(ns["res"].com_db)   # a number, not NaN
    if page == "energy":   # the shape the page's comment gives
        assert ns["grid"].total_pj_per_bit.shape == (3, 61)
    if page == "sweeps":   # the shape the page's comment gives
        assert ns["r"]["il_nyquist_db"].shape == (5, 3, 2)
    assert capsys.readouterr().out.strip() or page == "sweeps"
