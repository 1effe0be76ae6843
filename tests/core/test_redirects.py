import pytest

from readiness.core.redirects import safe_next


@pytest.mark.parametrize(("target", "expected"), [
    ("/tenants/a/senders/", "/tenants/a/senders/"),
    ("https://evil.example/x", "/home"),
    ("//evil.example/x", "/home"),
    ("javascript:alert(1)", "/home"),
    ("", "/home"),
])
def test_only_targets_on_this_site_are_followed(rf, target, expected):
    assert safe_next(rf.get("/"), target, "/home") == expected
