from __future__ import annotations

from pathlib import Path

import pytest

from chalkline.screening import RosterIndex, load_oneroster

ROSTER = Path(__file__).resolve().parents[3] / "tests" / "data" / "screening_roster"


@pytest.fixture(scope="session")
def index() -> RosterIndex:
    return load_oneroster(ROSTER)
