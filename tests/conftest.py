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


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: every random test is reproducible."""
    return np.random.default_rng(20261127)
