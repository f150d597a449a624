"""Shared fixtures: the real IEEE P802.3ck channels, seeded randomness, hypothesis profile.

The channel folder comes from ``SIKERNEL_CHANNELS`` (default ``../shared/channels``
relative to the repository root).  When it is absent, tests that need it are
skipped with a reason, unless ``SIKERNEL_REQUIRE_CHANNELS=1`` (set by ``.ci/run``),
in which case they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
CHANNELS_DIR = Path(os.environ.get("SIKERNEL_CHANNELS", REPO.parent / "shared" / "channels"))
REQUIRE_CHANNELS = os.environ.get("SIKERNEL_REQUIRE_CHANNELS", "0") == "1"
P3CK = CHANNELS_DIR / "ieee-802.3ck"

settings.register_profile(
    "sikernel",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("sikernel")


#: the five public IEEE P802.3ck thru channels of ``shared/channels`` (its README)
THRU_FILES = ("C2C_PCB_SYSVIA_12dB_thru.s4p", "CA_19p75dB_thru.s4p", "DPO_4in_Meg7_THRU.s4p",
              "DPO_12in_Meg7_THRU.s4p", "Tp0_Tp5_28p5db_FQSFP_thru.s4p")


def channel_path(name: str) -> Path:
    """Path of a real channel file; skip (or fail in CI) when it is missing."""
    p = P3CK / name
    if not p.is_file():
        msg = (f"real channel {name} not found under {P3CK} "
               "(set SIKERNEL_CHANNELS to the folder holding ieee-802.3ck/)")
        if REQUIRE_CHANNELS:
            pytest.fail(msg + "; SIKERNEL_REQUIRE_CHANNELS=1 makes it mandatory")
        pytest.skip(msg)
    return p


def repo_text(relpath: str, flat: bool = False) -> str:
    """A text file of the repository (README, docs) as UTF-8; ``flat``: every whitespace run -- the
    line breaks of wrapped prose -- a single space, for phrase checks of the docs' typed figures."""
    text = (REPO / relpath).read_text(encoding="utf-8")
    return " ".join(text.split()) if flat else text


def one_error_line(err: str, *needles: str) -> str:
    """The CLI's stderr is one error line holding every needle, with no traceback (issue 13)."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: every random test is reproducible."""
    return np.random.default_rng(20261127)


# -- CI fails on a skip that is not on tests/allowed_skips.txt ---------------------------
# Under CI (SIKERNEL_REQUIRE_CHANNELS=1, as .ci/run sets, or CI=true) every skipped test must
# match a line "node-id glob | reason substring" of that file; anything else fails the run,
# so that a missing dependency or data set cannot turn tests into silent skips.
ALLOWED_SKIPS_FILE = Path(__file__).with_name("allowed_skips.txt")
STRICT_SKIPS = REQUIRE_CHANNELS or os.environ.get("CI", "").lower() in ("1", "true", "yes")
_skips: list[tuple[str, str]] = []


def allowed_skips() -> list[tuple[str, str]]:
    """(node-id glob, reason substring) pairs of :data:`ALLOWED_SKIPS_FILE`."""
    rules = []
    for line in ALLOWED_SKIPS_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            glob, _, reason = (s.strip() for s in line.partition("|"))
            rules.append((glob, reason))
    return rules


def unexpected_skips(skips: list[tuple[str, str]], rules: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (node id, reason) skips that no rule allows."""
    from fnmatch import fnmatchcase

    return [(n, r) for n, r in skips
            if not any(fnmatchcase(n, g) and reason in r for g, reason in rules)]


def _record_skip(report) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        lr = report.longrepr
        reason = lr[2] if isinstance(lr, tuple) and len(lr) == 3 else str(lr)
        _skips.append((report.nodeid, reason))


def pytest_runtest_logreport(report) -> None:
    _record_skip(report)


@pytest.fixture(autouse=True)
def _fresh_channel_op_cache(monkeypatch):
    """Each test starts without the channel operating tables an earlier one left in memory
    (``sikernel.power.api.channel_op_table`` keys them by channel, receiver settings and search
    grids, not by the SI functions a test may monkeypatch or spy on), and without their disk
    cache (:mod:`sikernel.power.op_cache`, whose key cannot see a monkeypatch either; the
    variable reaches the test's subprocesses too; ``tests/test_power_op_cache.py`` turns it on)."""
    from sikernel.power import api, op_cache

    monkeypatch.setenv(op_cache.OP_CACHE_ENV, "0")
    api.clear_channel_op_cache()
    yield


@pytest.fixture
def single_stage_ctle(monkeypatch):
    """The SI chain of the releases before the CTLE's low-frequency stage (g_DC only) as the default
    receiver for the rest of the test (the channel op-table memo keys by the settings, so tables of
    the default chain computed earlier in the test are not served)."""
    import dataclasses

    from sikernel.power import si

    monkeypatch.setattr(si, "DEFAULT_SI", dataclasses.replace(si.DEFAULT_SI, gdc2_db=(0.0,)))


def dpo12_case2_channel():
    """IEEE P802.3ck DPO_12in with COM's second package case (802.3ck packages, 31 mm TX / 29 mm RX)."""
    from sikernel import cascade, package_channel, read_touchstone

    ch = read_touchstone(channel_path("DPO_12in_Meg7_THRU.s4p"))
    return cascade(package_channel("802.3ck", 31e-3, ch.f, "tx"), ch,
                   package_channel("802.3ck", 29e-3, ch.f, "rx"))


def pytest_collectreport(report) -> None:
    _record_skip(report)


def pytest_sessionfinish(session, exitstatus) -> None:
    bad = unexpected_skips(_skips, allowed_skips()) if STRICT_SKIPS else []
    if bad:
        session.config._sikernel_bad_skips = bad
        if session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    bad = getattr(terminalreporter.config, "_sikernel_bad_skips", [])
    if bad:
        terminalreporter.section("unexpected skips (CI)", red=True)
        for nodeid, reason in bad:
            terminalreporter.write_line(f"{nodeid}: {reason}")
        terminalreporter.write_line(f"not allowed by {ALLOWED_SKIPS_FILE.name}: fix the cause or add "
                                    "'node-id glob | reason' there with a comment saying why")
