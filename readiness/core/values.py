"""The rules for values that come from tenants, files and Microsoft: one place, used by
the importer, the connectors, the forms and the API. Plain Python, no Django: the report
parser (which has no Django) uses it too.

Addresses. Exchange Online stores SMTPUTF8 (internationalised) local parts and the
domains it syncs may contain underscores, so both are valid here:
`účetní@fabrikam.example`, `scan_01@dept_a.example`. What is refused is what no mail
system would hand us and what would spoof or break an output: whitespace, control and
format characters (bidi overrides such as U+202E, zero-width characters), quotes,
angle brackets and the other RFC 5322 specials, empty or dotted-off parts, and anything
longer than SMTP allows.

Report values. Days before 2015-01-01 (SMTP AUTH reports do not go back that far, and
year 1 overflows the rollups) or more than one day ahead of now (a time zone, not the
future) are impossible; so are negative counts and counts above MAX_COUNT.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta

from django.utils.translation import gettext as _

EARLIEST_DAY = date(2015, 1, 1)
FUTURE_SLACK = timedelta(days=1)
# Far above any real sender (Exchange Online caps a mailbox at 10,000 recipients a
# day) and far below what a bigint holds, so sums of many rows stay exact.
MAX_COUNT = 1_000_000_000

ADDRESS_MAX = 320
LOCAL_MAX = 64
LABEL_MAX = 63
# RFC 5322 atext beyond letters and digits; "." separates atoms.
_ATEXT_ASCII = set("!#$%&'*+/=?^_`{|}~-")


class BadAddress(ValueError):
    """`str()` says what is wrong, for the person who sent the value."""


def _word_char(char: str) -> bool:
    # Letters, marks and digits of any script (SMTPUTF8 / IDN); never Cc/Cf/Z*/S*.
    if char.isascii():
        return char.isalnum()
    return unicodedata.category(char)[0] in "LMN"


def address_normalize(value: str) -> str:
    """The canonical (lower-case) form of a sender address, or BadAddress."""
    if not isinstance(value, str):
        raise BadAddress(_("is not text"))
    text = value.strip()
    if not text:
        raise BadAddress(_("is empty; expected an e-mail address"))
    if any(not char.isprintable() or char.isspace() for char in text):
        raise BadAddress(_("contains spaces, control or invisible formatting characters"))
    if len(text) > ADDRESS_MAX:
        raise BadAddress(_("is longer than %(max)s characters") % {"max": ADDRESS_MAX})
    local, at, domain = text.rpartition("@")
    if not at or not local:
        raise BadAddress(_("is not an e-mail address (expected name@domain)"))
    if "@" in local:
        raise BadAddress(_("has more than one @"))
    _local_check(local)
    _domain_check(domain)
    return text.lower()


def _local_check(local: str) -> None:
    if len(local) > LOCAL_MAX:
        raise BadAddress(_("has a name part longer than %(max)s characters") % {"max": LOCAL_MAX})
    for atom in local.split("."):
        if not atom:
            raise BadAddress(_("has an empty part between dots or at either end of the name"))
        if not all(_word_char(c) or c in _ATEXT_ASCII for c in atom):
            raise BadAddress(_("has a character an e-mail name may not contain"))


def _domain_check(domain: str) -> None:
    labels = domain.split(".")
    if len(labels) < 2:
        raise BadAddress(_("has no domain with a dot after the @"))
    for label in labels:
        if not label or len(label) > LABEL_MAX:
            raise BadAddress(_("has an empty or over-long part in its domain"))
        if label[0] == "-" or label[-1] == "-":
            raise BadAddress(_("has a domain part that starts or ends with a hyphen"))
        if not all(_word_char(c) or c in "-_" for c in label):
            raise BadAddress(_("has a character a domain may not contain"))


def is_address(value: str) -> bool:
    try:
        address_normalize(value)
    except BadAddress:
        return False
    return True


def latest_day(now: datetime | None = None) -> date:
    return ((now or datetime.now(UTC)) + FUTURE_SLACK).date()


def day_problem(day: date, *, now: datetime | None = None) -> str:
    """'' when the day is plausible for usage data, else what is wrong with it."""
    if day < EARLIEST_DAY:
        return _("is before %(day)s; no SMTP AUTH report goes back that far") % {
            "day": EARLIEST_DAY.isoformat()}
    if day > latest_day(now):
        return _("is in the future")
    return ""


def moment_problem(moment: datetime, *, now: datetime | None = None) -> str:
    return day_problem(moment.astimezone(UTC).date(), now=now)


def count_problem(count: int) -> str:
    """'' when the count is plausible, else what is wrong with it."""
    if count < 0:
        return _("is negative; expected a count of 0 or more")
    if count > MAX_COUNT:
        return _("is larger than %(max)s, which no report can contain") % {
            "max": f"{MAX_COUNT:,}"}
    return ""
