"""Sign in with Microsoft (Entra ID): msal's authorization-code flow with PKCE.

Seams: `flow_start` builds the authorize URL (state, nonce, PKCE challenge kept in
the returned flow, which the view stores in the session); `flow_finish` redeems the
code and returns validated ID-token claims; `user_for_claims` maps them to a local
user. The endpoints come from M365_LOGIN_URL, so the local emulator is configuration.

msal (>=1.38) no longer validates the ID token, so `validate_claims` does: audience,
expiry, issuer, object ID and, when configured, the allowed directories.
"""

from __future__ import annotations

import re
import time
import warnings

import msal
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from readiness.core.http import session_new
from readiness.tenancy.audit import audit_record
from readiness.tenancy.models import ExternalIdentity, UserSecurity

PROVIDER = "entra"
DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


class SignInError(Exception):
    """Sign-in refused; the message is safe to show the user."""


def is_configured() -> bool:
    return bool(settings.READINESS_ENTRA_CLIENT_ID and settings.READINESS_ENTRA_CLIENT_SECRET)


def _app() -> msal.ConfidentialClientApplication:
    login_url = settings.M365_LOGIN_URL
    return msal.ConfidentialClientApplication(
        settings.READINESS_ENTRA_CLIENT_ID,
        client_credential=settings.READINESS_ENTRA_CLIENT_SECRET,
        authority=f"{login_url}/{settings.READINESS_ENTRA_TENANT}",
        # A sovereign cloud or the emulator is not in Microsoft's instance list.
        instance_discovery=None if login_url == DEFAULT_LOGIN_URL else False,
        http_client=session_new(),  # the connectors' session: the same CA and timeouts
    )


def flow_start(*, redirect_uri: str) -> dict:
    """A new auth-code flow (keep it server-side); `flow["auth_uri"]` is where to go.

    response_mode=query on purpose: a form_post back from Microsoft is a cross-site POST
    that arrives without our SameSite=Lax session cookie, losing the flow. The code is
    single-use and bound to the PKCE verifier, so msal's advice does not apply here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="response_mode='form_post' is recommended")
        return _app().initiate_auth_code_flow(scopes=[], redirect_uri=redirect_uri,
                                              response_mode="query")


def flow_finish(*, flow: dict, params: dict) -> dict:
    """Redeem the code (state, nonce and PKCE checked by msal); return valid claims."""
    try:
        result = _app().acquire_token_by_auth_code_flow(flow, params)
    except (ValueError, RuntimeError) as exc:  # state or nonce mismatch
        raise SignInError("The sign-in response did not match this browser session.") from exc
    if "error" in result:
        raise SignInError(f"Microsoft refused the sign-in: {result.get('error')}.")
    return validate_claims(result.get("id_token_claims") or {})


def validate_claims(claims: dict, *, now: float | None = None) -> dict:
    tid, oid = claims.get("tid", ""), claims.get("oid", "")
    if not tid or not oid:
        raise SignInError("The ID token has no directory or object ID.")
    if claims.get("aud") != settings.READINESS_ENTRA_CLIENT_ID:
        raise SignInError("The ID token was issued for another application.")
    if claims.get("iss") != f"{settings.M365_LOGIN_URL}/{tid}/v2.0":
        raise SignInError("The ID token comes from an unexpected issuer.")
    if float(claims.get("exp", 0)) < (now or time.time()) - 60:
        raise SignInError("The ID token has expired; sign in again.")
    allowed = allowed_directories()
    if allowed and tid.lower() not in allowed:
        raise SignInError("Accounts from this directory may not sign in here.")
    return claims


def allowed_directories() -> set[str]:
    allowed = {t.lower() for t in settings.READINESS_ENTRA_ALLOWED_TENANTS}
    if _GUID.match(settings.READINESS_ENTRA_TENANT):
        allowed.add(settings.READINESS_ENTRA_TENANT.lower())
    return allowed


@transaction.atomic
def user_for_claims(claims: dict, *, ip: str = ""):
    """The local user for validated claims: by object ID, else by e-mail if allowed."""
    subject = f"{claims['tid'].lower()}:{claims['oid'].lower()}"
    identity = (ExternalIdentity.objects.select_for_update().select_related("user")
                .filter(provider=PROVIDER, subject=subject).first())
    if identity is None:
        identity = _link_by_email(claims, subject, ip=ip)
    if not identity.user.is_active:
        raise SignInError("This account is disabled.")
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    return identity.user


def _link_by_email(claims: dict, subject: str, *, ip: str) -> ExternalIdentity:
    # Entra does not verify the e-mail claim, and with a multi-tenant app any
    # directory can assert any address: linking by e-mail is allowed only when the
    # directories are pinned, and only to exactly one active user.
    email = (claims.get("email") or claims.get("preferred_username") or "").strip()
    users = list(get_user_model().objects.filter(is_active=True, email__iexact=email)[:2]
                 if email else [])
    user = users[0] if len(users) == 1 else None
    if user is None or not allowed_directories() or not _may_link(user):
        raise SignInError("Your Microsoft account is not linked to a user here. "
                          "Ask an MSP admin to allow linking it.")
    identity = ExternalIdentity.objects.create(user=user, provider=PROVIDER, subject=subject,
                                               email=email)
    UserSecurity.objects.filter(user=user).update(entra_link_by_email=False)  # one use only
    audit_record(actor=user, tenant=None, action="identity.linked", obj=identity,
                 after={"provider": PROVIDER, "email": email}, ip=ip, source="web")
    return identity


def _may_link(user) -> bool:
    if settings.READINESS_ENTRA_LINK_BY_EMAIL:
        return True
    return UserSecurity.objects.filter(user=user, entra_link_by_email=True).exists()
