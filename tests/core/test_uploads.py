from __future__ import annotations

import codecs

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from readiness.core.uploads import validate_upload

CSV = "Date,Sender address,Auth\n2026-01-01,printer@a.example,Basic\n"


def upload(content: bytes, name="report.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize(("content", "encoding"), [
    (CSV.encode(), "utf-8"),
    (codecs.BOM_UTF8 + CSV.encode(), "utf-8-sig"),
    (CSV.encode("utf-16"), "utf-16"),
    (codecs.BOM_UTF16_BE + CSV.encode("utf-16-be"), "utf-16"),
    (("Name\n" + "é" * 5000).encode(), "utf-8"),  # multi-byte char cut at the sniff edge
])
def test_it_accepts_csv_text_and_names_the_encoding(content, encoding):
    file = upload(content)
    assert validate_upload(file) == encoding
    assert file.tell() == 0


@pytest.mark.parametrize(("content", "why"), [
    (b"PK\x03\x04rest-of-a-zip", "Excel workbook or a ZIP archive; export it as CSV"),
    (b"MZ\x90\x00", "executable"),
    (b"\x7fELF\x02\x01", "executable"),
    (b"%PDF-1.7", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1", "Office"),
    (CSV.encode("utf-16-le"), "UTF-16 text without a byte order mark"),
    (b"\xff\xfe\x00\xd8A\x00", "Line 1 is not valid UTF-16"),  # a BOM, a lone surrogate
    (b"Name\ncaf\xe9,latin-1", 'Line 2 is not valid UTF-8 text \\(byte 0xe9\\).*"CSV UTF-8"'),
    (b"Name\nA\x00B\n", "Line 2 contains a NUL character"),
    (b"", "empty"),
])
def test_it_refuses_what_is_not_csv_text(content, why):
    with pytest.raises(ValidationError, match=why):
        validate_upload(upload(content))


def test_it_refuses_an_oversized_file():
    with pytest.raises(ValidationError, match="limit"):
        validate_upload(upload(CSV.encode() * 10), max_bytes=100)


def test_it_refuses_another_extension_whatever_the_content():
    with pytest.raises(ValidationError, match=r"not a \.csv file: upload the report as a \.csv"):
        validate_upload(upload(CSV.encode(), name="report.exe"))


def test_the_default_limit_comes_from_settings(settings):
    settings.REPORT_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="limit"):
        validate_upload(upload(CSV.encode()))
