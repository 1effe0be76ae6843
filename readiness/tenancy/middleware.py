"""Content-Security-Policy: only our own static scripts and styles run.

Plotly figures are embedded as JSON in <script type="application/json"> blocks and
drawn by static/js/charts.js, so no inline script is ever needed.
"""

from django.conf import settings

_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Plotly injects <style> elements at runtime for its modebar.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self' " + getattr(settings, "M365_LOGIN_URL", ""),
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", _POLICY)
        return response


class SessionEpochMiddleware:
    """Ends sessions started before the user's last "sign out everywhere".

    Sign-in stores the user's `session_epoch` in the session (signals.py); bumping
    the epoch invalidates every session at once, whatever the session backend.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from django.contrib.auth import logout

            from readiness.tenancy.sessions import current_epoch, session_epoch

            if session_epoch(request.session) != current_epoch(user):
                logout(request)
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's saved language (copied into the session at sign-in), over the
    cookie and Accept-Language that LocaleMiddleware used. No query: session only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        from readiness.tenancy.language import request_language

        user = getattr(request, "user", None)
        language = request_language(request) if user is not None and user.is_authenticated \
            else None
        if not language:
            return self.get_response(request)
        request.LANGUAGE_CODE = language
        # override, not activate: the thread's language is restored afterwards, so it
        # never leaks into whatever the thread runs next.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
