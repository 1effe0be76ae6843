"""Bytes to lines: BOM sniffing and incremental decoding in fixed-size chunks."""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from django.utils.translation import gettext as _

from ._model import ReportFormatError

Source = str | os.PathLike[str] | BinaryIO

CHUNK = 1 << 20  # bytes read per step: big enough to amortise Python overhead
MAX_LINE = 1 << 20  # characters; a longer "line" means binary garbage, not a CSV
HEAD = 4096


@contextmanager
def open_binary(source: Source) -> Iterator[BinaryIO]:
    # A caller's file object is rewound afterwards so inspect + iterate can share it.
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as f:
            yield f
        return
    if isinstance(source, io.TextIOBase):
        raise TypeError("open the file in binary mode ('rb'); the parser detects the encoding")
    if not (hasattr(source, "read") and hasattr(source, "seek")):
        raise TypeError("expected a path or a seekable binary file")
    start = source.tell()
    try:
        yield source
    finally:
        source.seek(start)


def sniff_encoding(f: BinaryIO) -> tuple[str, str]:
    """Return (label, codec) from the BOM; the stream is left just past the BOM."""
    # The size comes from seeking, not reading: it proves UTF-16 truncation cheaply.
    # tell() rather than seek()'s return value, which some file wrappers drop.
    start = f.tell()
    f.seek(0, io.SEEK_END)
    size = f.tell() - start
    f.seek(start)
    head = f.read(HEAD)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportFormatError(
            _("This looks like an Excel workbook; export it as CSV and upload the CSV file.")
        )
    bom, label, codec = _bom(head)
    if size == len(bom):
        raise ReportFormatError(_("The file is empty."))
    if codec.startswith("utf-16") and size % 2:
        raise ReportFormatError(_("The file is truncated UTF-16 (odd number of bytes)."))
    if not bom and _looks_like_utf16(head):
        raise ReportFormatError(
            _("The file looks like UTF-16 text without a byte order mark; "
              "save it again as CSV UTF-8 or as Unicode text.")
        )
    f.seek(start + len(bom))
    return label, codec


def _bom(head: bytes) -> tuple[bytes, str, str]:
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    )
    for bom, label, codec in boms:
        if head.startswith(bom):
            return bom, label, codec
    return b"", "utf-8", "utf-8"


def _looks_like_utf16(head: bytes) -> bool:
    # ASCII text as UTF-16 has a NUL in (nearly) every other byte. Other stray NULs
    # are left to line_batches, which can say on which line they are.
    sample = head[:64]
    pairs = len(sample) // 2
    zeros = max(sample[0::2].count(0), sample[1::2].count(0))
    return pairs >= 4 and zeros >= pairs * 0.8


def line_batches(f: BinaryIO, codec: str) -> Iterator[list[str]]:
    """Decode binary chunks incrementally and yield lists of complete lines.

    Yielding lists (chained in C by the caller) keeps per-line cost out of Python.
    Lines end at CR, LF or CRLF exactly as csv expects with ``newline=''``.
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    carry, done = "", 0
    while True:
        raw = f.read(CHUNK)
        final = not raw
        try:
            text = carry + decoder.decode(raw, final)
        except UnicodeDecodeError as exc:
            raise _decode_error(codec, exc, done, carry) from None
        if "\x00" in text:
            line = done + text.count("\n", 0, text.index("\x00")) + 1
            raise ReportFormatError(
                _("Line %(line)s contains a NUL character: this is not a CSV text file.")
                % {"line": line}, line=line
            )
        lines = io.StringIO(text, newline="").readlines()
        # A last line without LF may be incomplete (or a CR whose LF is in the next chunk).
        carry = lines.pop() if lines and not final and not lines[-1].endswith("\n") else ""
        if len(carry) > MAX_LINE:
            raise ReportFormatError(
                _("Line %(line)s is longer than %(max)s characters: this is not a CSV report.")
                % {"line": done + len(lines) + 1, "max": MAX_LINE},
                line=done + len(lines) + 1,
            )
        done += len(lines)
        if lines:
            yield lines
        if final:
            return


def _decode_error(
    codec: str, exc: UnicodeDecodeError, done: int, carry: str
) -> ReportFormatError:
    if codec.startswith("utf-16") and exc.reason == "truncated data":
        return ReportFormatError(_("The file is truncated UTF-16 (odd number of bytes)."))
    before = carry + exc.object[: exc.start].decode(codec, "replace")
    line = done + before.count("\n") + 1
    byte = exc.object[exc.start : exc.start + 1].hex()
    kind = "UTF-16" if codec.startswith("utf-16") else "UTF-8"
    return ReportFormatError(
        _('Line %(line)s is not valid %(kind)s text (byte 0x%(byte)s). If you saved the file '
          'from Excel, choose "CSV UTF-8".') % {"line": line, "kind": kind, "byte": byte},
        line=line,
    )
