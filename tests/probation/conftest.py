from __future__ import annotations

import pytest

from tests.objectives.support import School, build_school


@pytest.fixture
def school(db) -> School:  # type: ignore[no-untyped-def]
    return build_school()
