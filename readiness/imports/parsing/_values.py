"""Parsers for single cells; they raise BadValue and the row loop adds line and column."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from readiness.core.values import BadAddress, address_normalize, count_problem

from ._csvfile import normalize
from ._model import BadValue

_AUTH_METHODS = {
    "basic": "basic",
    "basicauth": "basic",
    "basic authentication": "basic",
    "oauth": "oauth",
    "oauth2": "oauth",
    "xoauth2": "oauth",
    "modern": "oauth",
    "modern authentication": "oauth",
}


def sender_address(name: str, domain: str, domain_index: int) -> str:
    # senderName is either the local part or already the whole address.
    name = name.strip()
    if not name:
        raise BadValue(_("is empty; expected a sender"))
    if "@" not in name:
        domain = domain.strip()
        if not domain:
            raise BadValue(_("is empty; needed to complete the sender address"), domain_index)
        name = f"{name}@{domain}"
    try:
        return address_normalize(name)  # the one address rule (readiness.core.values)
    except BadAddress as exc:
        raise BadValue(_("is not an e-mail address: it %(problem)s") % {"problem": exc}) from None


def auth_method(value: str) -> str:
    method = _AUTH_METHODS.get(value) or _AUTH_METHODS.get(normalize(value))
    if method is None:
        raise BadValue(_("is not a known authentication method (expected Basic or OAuth)"))
    return method


_GROUPED = re.compile(r"\d{1,3}(?P<sep>[ \u00a0\u202f',.])\d{3}(?:(?P=sep)\d{3})*", re.ASCII)


def whole_number(value: str) -> int:
    """A count: a whole number from 0 to MAX_COUNT."""
    if value.isdigit() and value.isascii() and len(value) < 10:
        return int(value)  # the common case, kept cheap (< 10 digits is in range)
    number = _whole_number(value)
    problem = count_problem(number)
    if problem:
        raise BadValue(problem)
    return number


def _whole_number(value: str) -> int:
    text = value.strip()
    if text.isdigit() and text.isascii():
        return int(text)
    if text.startswith("-") and _grouped_number(text[1:]) is not None:
        raise BadValue(_("is negative; expected a count of 0 or more"))
    number = _grouped_number(text)
    if number is None:
        raise BadValue(_("is not a whole number"))
    return number


def _grouped_number(text: str) -> int | None:
    # One separator kind in strict groups of three is a thousands separator
    # ("1 280", "1,280", "1.280"); counts have no fraction, so that reading is the
    # only one. Anything else ("1,28", "1.280,5", "1,280.000") is refused.
    if text.isdigit() and text.isascii():
        return int(text)
    match = _GROUPED.fullmatch(text)
    return int(text.replace(match["sep"], "")) if match else None


_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%?", re.ASCII)


def percent(value: str) -> float:
    match = _PERCENT.fullmatch(value.strip())
    if not match:
        # xgettext:no-python-format
        raise BadValue(_("is not a percentage (expected e.g. 100% or 99.5)"))
    number = float(match[1].replace(",", "."))
    if number > 100:
        raise BadValue(_("is not a percentage between 0 and 100"))
    return number
