"""API tokens: created (shown once), checked by digest, revoked with the sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from readiness.tenancy.audit import audit_record
from readiness.tenancy.models import ApiToken

TOKEN_PREFIX = "sar_"  # recognisable in a leaked file or a secret scanner's rule
PREFIX_SHOWN = 12
LAST_USED_RESOLUTION = timedelta(minutes=5)  # no write on every request


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user, name: str = "", actor=None, source: str = "web") -> tuple[
        ApiToken, str]:
    """Create a token for `user`; return (row, the token). The token is not stored:
    the caller shows it once."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[:PREFIX_SHOWN],
                                    digest=token_digest(raw))
    audit_record(actor=actor, tenant=None, action="api_token.create", obj=token,
                 after={"user": user.get_username(), "name": name, "prefix": token.prefix},
                 source=source)
    return token, raw


def api_tokens_revoke(*, user) -> int:
    """Delete every API token of `user`; return how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_tokens_revoke_on_password_change(*, user) -> int:
    """After a save of `user`: when it stored a new password, delete the user's API
    tokens, as the new password ends their other sessions (Django's session hash). A
    token is a session that never expires, so a leaked one must not outlive the
    password change that answers the leak.

    AbstractBaseUser.set_password() keeps the new password on the instance until its
    save() has run, which is how Django's own password_changed() hook knows; the hash
    upgrade at sign-in (check_password) clears it first, so it revokes nothing."""
    if getattr(user, "_password", None) is None:
        return 0
    return api_tokens_revoke(user=user)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`, as before; looked up by digest."""

    def authenticate_credentials(self, key):
        token = (ApiToken.objects.select_related("user")
                 .filter(digest=token_digest(key)).first())
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
