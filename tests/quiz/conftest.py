"""These suites run on SQLite and on PostgreSQL."""

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param
