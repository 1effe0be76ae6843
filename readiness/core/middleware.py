"""Response middleware that applies the output rules no view should have to remember."""

from __future__ import annotations

from readiness.core.text import json_escape_controls, reveal_controls

# Text formats whose body a person reads: controls become visible [U+XXXX] markers.
MARKED = ("text/html", "text/csv", "text/plain")
# JSON stays the same value: controls become \uXXXX escapes.
ESCAPED = ("application/json", "application/vnd.oai.openapi+json")


class UnicodeControlMiddleware:
    """One place for finding 10: a bidi override or other control character stored in a
    tenant, sender or mailbox name never reaches a page, CSV or API body raw — whichever
    template, table, chart or serializer put it there. Binary bodies (XLSX) and streamed
    files are handled where they are built (readiness.core.exports)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "streaming", False) or not response.content:
            return response
        kind = response.get("Content-Type", "").split(";")[0].strip().lower()
        if kind in MARKED:
            self._rewrite(response, reveal_controls)
        elif kind in ESCAPED:
            self._rewrite(response, json_escape_controls)
        return response

    @staticmethod
    def _rewrite(response, fix) -> None:
        charset = response.charset or "utf-8"
        try:
            text = response.content.decode(charset)
        except (UnicodeDecodeError, LookupError):
            return
        bom = "\ufeff" if text.startswith("\ufeff") else ""  # Excel's CSV BOM stays
        fixed = bom + fix(text[len(bom):])
        if fixed != text:
            response.content = fixed.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
