"""Unicode control characters made visible in every output.

A tenant or sender name with U+202E (RIGHT-TO-LEFT OVERRIDE) shows `‮cod.exe` as
`exe.doc`: the text is escaped, yet it lies. Every format control (Unicode category Cf,
bidi embeddings, overrides and isolates among them) and every C0/C1 control (Cc) is
replaced on output by a visible `[U+XXXX]` marker. Kept as they are: tab, newline and
carriage return (layout), and the zero-width (non-)joiners U+200C/U+200D, which are
needed to write Persian, Indic scripts and emoji and cannot reorder text.

The data stays as stored; only what is shown, exported, mailed or sent changes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

KEEP = {"\t", "\n", "\r", "\u200c", "\u200d"}


@cache
def _pattern() -> re.Pattern:
    # Built once per process from the running Python's Unicode tables, so a control
    # added in a newer Unicode version is covered without a list to maintain. Controls
    # live in planes 0-1 and in the tag block of plane 14; scanning only those is fast.
    codes = [*range(0x20000), *range(0xE0000, 0xE1000)]
    chars = [chr(c) for c in codes
             if unicodedata.category(chr(c)) in ("Cc", "Cf") and chr(c) not in KEEP]
    # Two classes: one class holding any character beyond U+FFFF is compiled as a list
    # of ranges tried one by one for every character of the page (~0.5 µs a character,
    # 200 ms for a 400 kB sender table on a loaded machine); the BMP class alone is a
    # bitmap lookup, and the astral class is only tried after a cheap range check.
    bmp = "".join(re.escape(ch) for ch in chars if ord(ch) <= 0xFFFF)
    astral = "".join(re.escape(ch) for ch in chars if ord(ch) > 0xFFFF)
    return re.compile(f"[{bmp}]|(?=[\U00010000-\U0010FFFF])[{astral}]")


def marker(ch: str) -> str:
    return f"[U+{ord(ch):04X}]"


def reveal_controls(text: str) -> str:
    """`text` with every dangerous control replaced by a visible [U+XXXX] marker."""
    if text.isascii() and text.isprintable():
        return text  # the common case, without a regex pass
    return _pattern().sub(lambda m: marker(m.group()), text)


def json_escape_controls(text: str) -> str:
    r"""For JSON bodies: each control becomes its \uXXXX escape (same JSON value, but no
    raw control byte reaches a log viewer, terminal or browser that shows the body)."""
    if text.isascii() and text.isprintable():
        return text
    return _pattern().sub(lambda m: _json_escape(m.group()), text)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # a surrogate pair, as JSON writes characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def has_controls(text: str) -> bool:
    return bool(_pattern().search(text))


def tls_label(version: str) -> str:
    """The reports' "TLS1_2" as people write it: "TLS 1.2" (anything else unchanged)."""
    if version.upper().startswith("TLS") and version[3:].strip(" _"):
        return "TLS " + version[3:].strip(" _").replace("_", ".")
    return version
