"""One validator for every uploaded report file: size, name and content sniffing.

Microsoft 365 report downloads are CSV text, UTF-8 (often with a BOM) or UTF-16.
The browser's Content-Type and the file name are claims; the first bytes are facts,
so a ZIP, XLSX, executable or PDF renamed to .csv is refused here.
"""

from __future__ import annotations

import codecs

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SNIFF_BYTES = 8192
# Magic numbers of formats people upload by mistake (or on purpose).
FORBIDDEN_MAGIC = {
    b"PK\x03\x04": gettext_lazy("This looks like an Excel workbook or a ZIP archive; export "
                                 "it as CSV and upload the CSV file."),
    b"PK\x05\x06": gettext_lazy("This is a ZIP archive, not a CSV report."),
    b"\xd0\xcf\x11\xe0": gettext_lazy("This looks like a legacy Office document; export it "
                                       "as CSV and upload the CSV file."),
    b"MZ": gettext_lazy("This is a Windows executable, not a CSV report."),
    b"\x7fELF": gettext_lazy("This is an executable, not a CSV report."),
    b"%PDF": gettext_lazy("This is a PDF document, not a CSV report."),
    b"\x1f\x8b": gettext_lazy("This is a gzip archive, not a CSV report."),
    b"\x89PNG": gettext_lazy("This is an image, not a CSV report."),
    b"\xff\xd8\xff": gettext_lazy("This is an image, not a CSV report."),
}
BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def validate_upload(file, *, max_bytes: int | None = None,
                    extensions: tuple[str, ...] = (".csv",)) -> str:
    """Check an uploaded file; return the text encoding to read it with.

    Raises ValidationError (a message fit to show the user) when the file is empty,
    too large, wrongly named, or not CSV text. Accepts whatever a CSV reader of
    Microsoft 365 reports accepts: UTF-8 with or without a BOM, UTF-16 LE/BE with a
    BOM, any delimiter. Only the first bytes are read; the file position is left at 0.
    """
    limit = max_bytes or settings.REPORT_UPLOAD_MAX_BYTES
    name = getattr(file, "name", "") or ""
    if extensions and not name.lower().endswith(extensions):
        raise ValidationError(
            _("%(name)s is not a %(extensions)s file: upload the report as a %(extension)s "
              "file, as Microsoft 365 delivers it (not a workbook or an archive).")
            % {"name": name or _("The file"), "extensions": _(" or ").join(extensions),
               "extension": extensions[0]})
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if not head:
        raise ValidationError(_("The file is empty."))
    return sniff_text_encoding(head)


def sniff_text_encoding(head: bytes) -> str:
    for magic, message in FORBIDDEN_MAGIC.items():
        if head.startswith(magic):
            raise ValidationError(message)
    for bom, encoding in BOMS:
        if head.startswith(bom):
            _check_text(head, encoding)
            return encoding
    if _looks_like_utf16(head):
        raise ValidationError(_("The file looks like UTF-16 text without a byte order mark; "
                                "save it again as CSV UTF-8 or as Unicode text."))
    _check_text(head, "utf-8")
    return "utf-8"


def _looks_like_utf16(head: bytes) -> bool:
    # ASCII text as UTF-16 has a NUL in (nearly) every other byte.
    sample = head[:64]
    pairs = len(sample) // 2
    zeros = max(sample[0::2].count(0), sample[1::2].count(0))
    return pairs >= 4 and zeros >= pairs * 0.8


def _check_text(head: bytes, encoding: str) -> None:
    """Decode the head; a bad byte or a NUL is reported with its line number."""
    decoder = codecs.getincrementaldecoder(encoding)()
    kind = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    try:
        # final=False: a multi-byte character cut at the sniff boundary is fine.
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].decode(encoding, "replace").count("\n") + 1
        byte = exc.object[exc.start:exc.start + 1].hex()
        raise ValidationError(
            _('Line %(line)s is not valid %(kind)s text (byte 0x%(byte)s). '
              'If you saved the file from Excel, choose "CSV UTF-8".')
            % {"line": line, "kind": kind, "byte": byte}) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(
            _("Line %(line)s contains a NUL character: this is not a CSV text file.")
            % {"line": line})
