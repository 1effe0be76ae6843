import pytest

from readiness.senders.services import ExceptionTerms


@pytest.fixture
def terms(alice):
    import datetime as dt

    return ExceptionTerms(approver=alice, reason="Firmware update due in Q1",
                          expires_on=dt.date.today() + dt.timedelta(days=60))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The personas are created per test; PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
