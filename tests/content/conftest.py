import pytest

from tests.content.fakes import FakePlatform


@pytest.fixture
def fake():
    server = FakePlatform()
    yield server
    server.close()
