"""Session epochs: "sign out everywhere" without enumerating session rows."""

from __future__ import annotations

from django.db.models import F

from readiness.tenancy.models import UserSecurity
from readiness.tenancy.tokens import api_tokens_revoke

SESSION_KEY = "_readiness_epoch"


def current_epoch(user) -> int:
    epoch = UserSecurity.objects.filter(user=user).values_list("session_epoch", flat=True)
    return next(iter(epoch), 0)


def session_epoch(session) -> int:
    return session.get(SESSION_KEY, 0)


def stamp_session(*, session, user) -> None:
    session[SESSION_KEY] = current_epoch(user)


def sessions_end_all(*, user) -> int:
    """Invalidate every session of `user` (including the caller's) and every API token
    (a token is a session that never expires); return the new epoch."""
    api_tokens_revoke(user=user)
    UserSecurity.objects.get_or_create(user=user)
    UserSecurity.objects.filter(user=user).update(session_epoch=F("session_epoch") + 1)
    return current_epoch(user)
