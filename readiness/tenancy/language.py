"""The user's language: saved on the user (UserSecurity.language), copied into the
session at sign-in and on every switch, applied on each request by
UserLanguageMiddleware. Anonymous pages follow the cookie the switch sets, else the
browser's Accept-Language (Django's LocaleMiddleware)."""

from __future__ import annotations

from django.conf import settings

from readiness.tenancy.models import UserSecurity

SESSION_KEY = "_readiness_language"


def supported(code: str) -> str | None:
    """`code` when it is one of settings.LANGUAGES, else None (never trust a POST)."""
    return code if code in dict(settings.LANGUAGES) else None


def user_language(user) -> str:
    """The saved choice, or "" when the user never chose (the browser decides)."""
    rows = UserSecurity.objects.filter(user=user).values_list("language", flat=True)
    return next(iter(rows), "")


def user_language_set(*, user, language: str) -> None:
    UserSecurity.objects.update_or_create(user=user, defaults={"language": language})


def session_language_stamp(*, session, user) -> None:
    """At sign-in: the saved choice wins over whatever the browser said."""
    language = supported(user_language(user))
    if language:
        session[SESSION_KEY] = language


def request_language(request) -> str | None:
    """The signed-in user's saved language for this request (from the session)."""
    return supported(request.session.get(SESSION_KEY, ""))


def languages_by_email(emails) -> dict[str, str]:
    """Each address's language: its user's saved choice, else the site's default. For
    e-mail, which has no request to negotiate a language with."""
    emails = {e for e in emails if e}
    saved = dict(UserSecurity.objects.filter(user__email__in=emails)
                 .exclude(language="").values_list("user__email", "language"))
    return {e: supported(saved.get(e, "")) or settings.LANGUAGE_CODE for e in emails}
