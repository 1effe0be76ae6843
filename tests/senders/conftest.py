import pytest

from readiness.senders.services import ExceptionTerms


@pytest.fixture
def terms(alice):
    import datetime as dt

    return ExceptionTerms(approver=alice, reason="Firmware update due in Q1",
                          expires_on=dt.date.today() + dt.timedelta(days=60))
