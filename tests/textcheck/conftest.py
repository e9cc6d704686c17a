import datetime as dt

import pytest

from govmedia.textcheck import Checker

from .evaluation import AS_OF


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker.default()


@pytest.fixture(scope="session")
def check(checker):
    def run(text: str, as_of: dt.date = AS_OF):
        return checker.check(text, as_of=as_of)

    return run
