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

SNIFF_BYTES = 8192
# Magic numbers of formats people upload by mistake (or on purpose).
FORBIDDEN_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (or XLSX workbook)",
    b"PK\x05\x06": "a ZIP archive",
    b"\xd0\xcf\x11\xe0": "a legacy Office document",
    b"MZ": "a Windows executable",
    b"\x7fELF": "an executable",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
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
    too large, wrongly named, or not CSV text. The file position is left at 0.
    """
    limit = max_bytes or settings.REPORT_UPLOAD_MAX_BYTES
    name = getattr(file, "name", "") or ""
    if extensions and not name.lower().endswith(extensions):
        raise ValidationError(f"{name or 'The file'} is not a {' or '.join(extensions)} file.")
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)}."
        )
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if not head:
        raise ValidationError("The file is empty.")
    return sniff_text_encoding(head)


def sniff_text_encoding(head: bytes) -> str:
    for magic, what in FORBIDDEN_MAGIC.items():
        if head.startswith(magic):
            raise ValidationError(f"This is {what}, not a CSV report.")
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding if _decodes(head, encoding) else _not_text()
    # UTF-16 without a BOM shows as a NUL in every other byte of ASCII text.
    if b"\x00" in head:
        _not_text()
    return "utf-8" if _decodes(head, "utf-8") else _not_text()


def _decodes(head: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        # final=False: a multi-byte character cut at the sniff boundary is fine.
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def _not_text():
    raise ValidationError("The file is not CSV text (expected UTF-8 or UTF-16).")
