"""Tests for the streaming SMTP AUTH report parser (no Django, no database)."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import random
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readiness.imports.parsing import (
    DetailedRow,
    ExportRow,
    FileInfo,
    ReportFormatError,
    _text,
    inspect_report,
    iter_report_rows,
)

SAMPLES = Path(__file__).parent / "samples"
DETAILED_HEADER = [
    "date",
    "senderName",
    "senderDomain",
    "authMethod",
    "original_client_ip",
    "tls_version",
    "tls_cipher",
    "message_count",
    "message_id",
]
EXPORT_HEADER = ["Sender address", "Domain", "TLS 1.0", "TLS 1.1", "TLS 1.2", "Messages sent"]
CIPHER = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"


def encode(text: str, encoding: str) -> bytes:
    """Encode like the tools that write these files: BOM for utf-16 and utf-8-sig."""
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


def make_csv(
    rows: list[list[str]],
    *,
    header: list[str] = DETAILED_HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\r\n",
    quote_all: bool = False,
) -> bytes:
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    return encode(buffer.getvalue(), encoding)


def detailed(**overrides: str) -> list[str]:
    """One valid detailed row; keyword arguments replace single cells."""
    values = {
        "date": "2026-11-18T06:01:12.0000000Z",
        "senderName": "skener2",
        "senderDomain": "contoso.cz",
        "authMethod": "Basic",
        "original_client_ip": "203.0.113.25",
        "tls_version": "TLS1_2",
        "tls_cipher": CIPHER,
        "message_count": "1",
        "message_id": "<a1@contoso.cz>",
    }
    values.update(overrides)
    return [values[name] for name in DETAILED_HEADER]


def export(*cells: str) -> list[str]:
    return list(cells)


def parse(data: bytes) -> tuple[FileInfo, list[DetailedRow | ExportRow]]:
    info = inspect_report(io.BytesIO(data))
    return info, list(iter_report_rows(io.BytesIO(data), info))


def error_of(data: bytes) -> ReportFormatError:
    with pytest.raises(ReportFormatError) as caught:
        parse(data)
    return caught.value


# --------------------------------------------------------------------------- real samples


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    for name in os.listdir(SAMPLES):
        shutil.copy(SAMPLES / name, tmp_path / name)
    return tmp_path


def test_detailed_sample_utf16(sample_dir: Path) -> None:
    path = sample_dir / "SmtpCSReport_sample.csv"
    info = inspect_report(path)
    assert info == FileInfo("detailed", "utf-16-le", ",", "iso", False, DETAILED_HEADER)
    rows = list(iter_report_rows(path, info))
    assert len(rows) == 5
    assert rows[0] == DetailedRow(
        2, date(2026, 11, 18), "skener2@contoso.cz", "basic", "203.0.113.25", "TLS1_2",
        CIPHER, 1, "<a1@skener2.contoso.cz>",
    )  # fmt: skip
    assert rows[2].message_count == 3
    assert rows[2].tls_version == "TLS1_0"
    assert [r.auth_method for r in rows] == ["basic", "basic", "basic", "oauth", "oauth"]
    assert rows[4].line == 6


def test_export_sample_utf8_bom(sample_dir: Path) -> None:
    path = sample_dir / "smtp-auth-clients-export_sample.csv"
    info = inspect_report(str(path))
    assert (info.format, info.encoding, info.date_order) == ("export", "utf-8-sig", None)
    assert info.columns == [*EXPORT_HEADER, "Authentication protocol"]
    rows = list(iter_report_rows(str(path), info))
    assert rows == [
        ExportRow(2, "skener2@contoso.cz", "contoso.cz", "basic", 0.0, 0.0, 100.0, 412),
        ExportRow(3, "erp@contoso.cz", "contoso.cz", "basic", 100.0, 0.0, 0.0, 1280),
        ExportRow(4, "monitoring@contoso.cz", "contoso.cz", "oauth", 0.0, 0.0, 100.0, 96),
    ]


def test_file_object_is_rewound_and_shared(sample_dir: Path) -> None:
    with open(sample_dir / "SmtpCSReport_sample.csv", "rb") as f:
        info = inspect_report(f)
        assert f.tell() == 0
        assert len(list(iter_report_rows(f, info))) == 5
        assert f.tell() == 0


# --------------------------------------------------------------------------- tolerance


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_encodings_delimiters_newlines(encoding: str, delimiter: str, newline: str) -> None:
    rows = [detailed(), detailed(senderName="Žluťoučký", message_count="2", message_id="<b;2>")]
    data = make_csv(rows, encoding=encoding, delimiter=delimiter, newline=newline, quote_all=True)
    info, parsed = parse(data)
    assert (info.encoding, info.delimiter, info.format) == (encoding, delimiter, "detailed")
    assert [r.sender for r in parsed] == ["skener2@contoso.cz", "žluťoučký@contoso.cz"]
    assert [r.message_id for r in parsed] == ["<a1@contoso.cz>", "<b;2>"]


def test_headers_case_spaces_order_and_extra_columns() -> None:
    header = ["  MESSAGE_ID ", "Extra", *[h.upper() for h in DETAILED_HEADER[:-1]]]
    row = detailed()
    data = make_csv([[row[-1], "ignored", *row[:-1]]], header=header)
    info, [parsed] = parse(data)
    assert info.columns[0] == "MESSAGE_ID"
    assert parsed.message_id == "<a1@contoso.cz>"
    assert parsed.sender == "skener2@contoso.cz"


def test_quoted_field_with_newline_and_quotes() -> None:
    data = make_csv([detailed(message_id='<x"y\r\nz>'), detailed(message_id="<2>")])
    _, rows = parse(data)
    assert [r.message_id for r in rows] == ['<x"y\r\nz>', "<2>"]
    assert [r.line for r in rows] == [2, 3]  # records, not physical lines


@pytest.mark.parametrize(
    ("name", "domain", "expected"),
    [
        ("skener2", "contoso.cz", "skener2@contoso.cz"),
        ("Skener2@Contoso.CZ", "contoso.cz", "skener2@contoso.cz"),
        ("ERP@other.example", "", "erp@other.example"),
        (" erp ", " Contoso.cz ", "erp@contoso.cz"),
    ],
)
def test_sender_address(name: str, domain: str, expected: str) -> None:
    _, [row] = parse(make_csv([detailed(senderName=name, senderDomain=domain)]))
    assert row.sender == expected


@pytest.mark.parametrize(
    ("raw", "method"),
    [
        ("Basic", "basic"),
        (" BASICAUTH ", "basic"),
        ("Basic Authentication", "basic"),
        ("OAuth", "oauth"),
        ("oauth2", "oauth"),
        ("XOAUTH2", "oauth"),
        ("Modern", "oauth"),
        ("modern  authentication", "oauth"),
    ],
)
def test_auth_methods(raw: str, method: str) -> None:
    _, [row] = parse(make_csv([detailed(authMethod=raw)]))
    assert row.auth_method == method


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2026-11-18T06:01:12.0000000Z", date(2026, 11, 18)),
        ("2026-11-18T06:01:12Z", date(2026, 11, 18)),
        ("2026-11-18T06:01:12", date(2026, 11, 18)),
        ("2026-11-18 06:01", date(2026, 11, 18)),
        ("2026-11-18", date(2026, 11, 18)),
        ("2026-11-18T23:30:00.1234567-02:00", date(2026, 11, 19)),
        ("2026-11-18T01:00:00+02:00", date(2026, 11, 17)),
        ("2026-11-18T01:00:00+0200", date(2026, 11, 17)),
        (" 2026-11-18T06:01:12Z ", date(2026, 11, 18)),
        ("18.11.2026 6:01", date(2026, 11, 18)),
        ("18. 11. 2026 16:01:59", date(2026, 11, 18)),
    ],
)
def test_iso_and_dot_dates(raw: str, day: date) -> None:
    _, [row] = parse(make_csv([detailed(date=raw)]))
    assert row.day == day


def test_us_excel_dates_month_first_decided_by_evidence() -> None:
    data = make_csv(
        [detailed(date="11/18/2026 6:01:12 AM"), detailed(date="3/4/2026 12:00:00 PM")],
        delimiter=";",
    )
    info, rows = parse(data)
    assert (info.date_order, info.date_order_ambiguous) == ("mdy", False)
    assert [r.day for r in rows] == [date(2026, 11, 18), date(2026, 3, 4)]


def test_day_first_slash_dates_decided_by_a_later_row() -> None:
    data = make_csv([detailed(date="3/4/2026 6:01"), detailed(date="18/11/2026 16:01:12")])
    info, rows = parse(data)
    assert (info.date_order, info.date_order_ambiguous) == ("dmy", False)
    assert [r.day for r in rows] == [date(2026, 4, 3), date(2026, 11, 18)]


def test_ambiguous_slash_dates_default_to_month_first_and_are_flagged() -> None:
    info, rows = parse(make_csv([detailed(date="3/4/2026 6:01 PM")]))
    assert (info.date_order, info.date_order_ambiguous) == ("mdy", True)
    assert rows[0].day == date(2026, 3, 4)


def test_dot_dates_report_day_first() -> None:
    info, _ = parse(make_csv([detailed(date="4.3.2026 6:01")]))
    assert (info.date_order, info.date_order_ambiguous) == ("dmy", False)


def test_mixed_date_orders_are_rejected() -> None:
    data = make_csv([detailed(date="13/1/2026"), detailed(), detailed(date="1/13/2026")])
    with pytest.raises(ReportFormatError, match="line 2 is day/month/year but line 4"):
        inspect_report(io.BytesIO(data))


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", 1), (" 3 ", 3), ("1 280", 1280), ("1,280", 1280), ("1.280", 1280),
     ("1\u00a0280\u00a0000", 1280000), ("0", 0)],
)  # fmt: skip
def test_counts(raw: str, value: int) -> None:
    _, [row] = parse(make_csv([detailed(message_count=raw)]))
    assert row.message_count == value


@pytest.mark.parametrize(
    ("cells", "values"),
    [
        (["100%", "0 %", "99.5%"], (100.0, 0.0, 99.5)),
        (["12,5 %", "0", "87.5"], (12.5, 0.0, 87.5)),
    ],
)
def test_export_percentages_and_missing_protocol(cells: list[str], values: tuple) -> None:
    row = ["Erp@Contoso.cz", "Contoso.cz", *cells, "1 280"]
    info, [parsed] = parse(make_csv([row], header=EXPORT_HEADER, delimiter=";"))
    assert (info.format, info.delimiter) == ("export", ";")
    assert parsed == ExportRow(2, "erp@contoso.cz", "contoso.cz", "unknown", *values, 1280)


def test_trailing_blank_lines_are_ignored() -> None:
    data = make_csv([detailed()]) + b"\r\n\r\n,,,,,,,,\r\n   \r\n"
    _, rows = parse(data)
    assert len(rows) == 1


def test_chunk_boundaries_split_crlf_and_multibyte(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [detailed(senderName=f"č{i}ř", message_id=f"<{i}>") for i in range(50)]
    for size in (1, 2, 3, 7):
        monkeypatch.setattr(_text, "CHUNK", size)
        for encoding in ("utf-8", "utf-16-le"):
            _, parsed = parse(make_csv(rows, encoding=encoding, quote_all=True))
            assert [r.sender for r in parsed] == [f"č{i}ř@contoso.cz" for i in range(50)]


def test_reads_in_bounded_chunks() -> None:
    class Recording(io.BytesIO):
        largest = 0

        def read(self, size: int | None = -1) -> bytes:
            assert size is not None and size > 0, "must never read the whole file"
            Recording.largest = max(Recording.largest, size)
            return super().read(size)

    data = make_csv([detailed(message_id=f"<{i}>") for i in range(20_000)], encoding="utf-16-le")
    info = inspect_report(Recording(data))
    assert sum(1 for _ in iter_report_rows(Recording(data), info)) == 20_000
    assert Recording.largest <= _text.CHUNK < len(data)


# --------------------------------------------------------------------------- rejection


def test_error_message_names_line_column_and_value() -> None:
    rows = [detailed() for _ in range(5)] + [detailed(message_count="abc")]
    error = error_of(make_csv(rows))
    assert str(error) == 'Line 7, column "message_count": "abc" is not a whole number.'
    assert (error.line, error.column, error.value) == (7, "message_count", "abc")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (codecs.BOM_UTF8, "The file is empty."),
        (codecs.BOM_UTF16_LE, "The file is empty."),
        (b"\r\n\r\n  \n", "The file is empty."),
        (make_csv([]), "The file has a header but no data rows."),
        (make_csv([]) + b"\r\n\r\n", "The file has a header but no data rows."),
        (make_csv([], header=EXPORT_HEADER), "The file has a header but no data rows."),
        (make_csv([detailed()], encoding="utf-16-le")[:-1], "truncated UTF-16"),
        (b"PK\x03\x04" + bytes(200), "looks like an Excel workbook; export it as CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "Excel workbook"),
        (make_csv([detailed()]) + b"\x00\x00", "NUL"),
        (make_csv([detailed(message_id="<a\x00b>")]), "Line 2 contains a NUL character"),
        ("date,x\r\n".encode("utf-16-le"), "UTF-16 text without a byte order mark"),
        (b"name,email\r\nx,y\r\n", "This is not an SMTP AUTH clients report: expected columns"),
        (make_csv([detailed()])[:-4] + b"\xff\xfe\r\n", "Line 2 is not valid UTF-8 text"),
        (make_csv([detailed()]) + b'"unterminated,\r\n', "not valid CSV"),
        (b"\n" + make_csv([detailed()]), "Line 1 is empty; expected the header row."),
    ],
)
def test_rejected_files(data: bytes, message: str) -> None:
    assert message in str(error_of(data))


def test_missing_required_column_is_named() -> None:
    header = [h for h in DETAILED_HEADER if h != "message_id"]
    error = error_of(make_csv([detailed()[:-1]], header=header))
    assert 'the column "message_id" is missing' in str(error)
    assert error.column == "message_id"
    export_error = error_of(make_csv([["a@b.c", "b.c", "1", "1"]], header=EXPORT_HEADER[:4]))
    assert '"TLS 1.2", "Messages sent" are missing' in str(export_error)


def test_duplicate_column_is_rejected() -> None:
    error = error_of(make_csv([[*detailed(), "x"]], header=[*DETAILED_HEADER, "DATE"]))
    assert 'Column "DATE" appears twice' in str(error)


@pytest.mark.parametrize(
    ("column", "raw", "problem"),
    [
        ("message_count", "-1", "is negative"),
        ("message_count", "1,28", "is not a whole number"),
        ("message_count", "1.280,5", "is not a whole number"),
        ("message_count", "", "is not a whole number"),
        ("message_count", "٣", "is not a whole number"),
        ("date", "2026-02-30T10:00:00Z", "is not a valid date"),
        ("date", "2/30/2026 1:00 AM", "is not a valid date"),
        ("date", "2026-11-18T24:00:00Z", "is not a date"),
        ("date", "11/18/26 6:01 AM", "is not a date"),
        ("date", "13/13/2026", "is not a valid date"),
        ("date", "11/18/2026 13:01 PM", "has an impossible time"),
        ("date", "0001-01-01T00:30:00+01:00", "is not a valid date"),
        ("authMethod", "NTLM", "is not a known authentication method"),
        ("authMethod", "", "is not a known authentication method"),
        ("message_id", "  ", "is empty"),
        ("senderName", "", "is empty"),
        ("senderName", "a b", "is not an e-mail address"),
        ("senderDomain", "", "is empty"),
    ],
)
def test_rejected_cells(column: str, raw: str, problem: str) -> None:
    rows = [detailed(), detailed(**{column: raw})]
    error = error_of(make_csv(rows))
    assert error.line == 3
    assert error.column == column
    assert str(error).startswith(f'Line 3, column "{column}": "{raw}" {problem}')


@pytest.mark.parametrize("raw", ["101%", "abc", "-5%", ""])
def test_rejected_percentages(raw: str) -> None:
    row = ["a@contoso.cz", "contoso.cz", raw, "0%", "0%", "3", "Basic"]
    error = error_of(make_csv([row], header=[*EXPORT_HEADER, "Authentication protocol"]))
    assert (error.line, error.column) == (2, "TLS 1.0")


def test_blank_line_in_the_middle_is_rejected() -> None:
    data = make_csv([detailed()]) + b"\r\n" + make_csv([detailed()]).split(b"\r\n", 1)[1]
    assert "Line 3 is empty" in str(error_of(data))


def test_wrong_field_count_is_rejected() -> None:
    data = make_csv([detailed()]) + b"a,b,c\r\n"
    assert str(error_of(data)) == "Line 3 has 3 fields but the header has 9."


def test_changed_file_between_inspect_and_iterate() -> None:
    info = inspect_report(io.BytesIO(make_csv([detailed()])))
    other = make_csv([detailed()], delimiter=";")
    with pytest.raises(ReportFormatError, match="changed"):
        list(iter_report_rows(io.BytesIO(other), info))


def test_random_binary_garbage_is_a_format_error() -> None:
    rng = random.Random(42)
    for _ in range(50):
        garbage = rng.randbytes(rng.randint(1, 5000))
        with pytest.raises(ReportFormatError):
            parse(garbage)


# --------------------------------------------------------------------------- properties

# Within the one address rule and the plausible-day range (readiness.core.values).
senders = st.from_regex(r"[a-z0-9_-]{1,8}(\.[a-z0-9_-]{1,6})?", fullmatch=True)
domains = st.from_regex(r"[a-z0-9]([a-z0-9_-]{0,8}[a-z0-9])?\.(cz|com|example)", fullmatch=True)
moments = st.datetimes(min_value=datetime(2015, 1, 2), max_value=datetime(2026, 11, 30))
# Bare CR is excluded: csv.writer leaves it unquoted when the line ending is LF alone.
free_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r"), max_size=20)


@st.composite
def detailed_rows(draw: st.DrawFn) -> tuple[list[str], dict]:
    moment, name, domain = draw(moments), draw(senders), draw(domains)
    full = draw(st.booleans())
    method = draw(st.sampled_from(["Basic", "basicauth", "OAuth", "XOAUTH2", "Modern"]))
    count = draw(st.integers(0, 10**7))
    ip, version, cipher = draw(free_text), draw(free_text), draw(free_text)
    message_id = draw(free_text.filter(lambda s: s.strip()))
    cells = detailed(
        date=moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:07d}Z",
        senderName=f"{name}@{domain}".upper() if full else name,
        senderDomain=domain,
        authMethod=method,
        original_client_ip=ip,
        tls_version=version,
        tls_cipher=cipher,
        message_count=str(count),
        message_id=message_id,
    )
    expected = {
        "day": moment.date(),
        "sender": f"{name}@{domain}",
        "auth_method": "basic" if method.lower().startswith("basic") else "oauth",
        "client_ip": ip.strip(),
        "tls_version": version.strip(),
        "tls_cipher": cipher.strip(),
        "message_count": count,
        "message_id": message_id.strip(),
    }
    return cells, expected


def us_excel(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment:%M:%S} {suffix}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(detailed_rows(), min_size=1, max_size=12),
    encoding=st.sampled_from(["utf-16-le", "utf-16-be", "utf-8-sig", "utf-8"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\r\n", "\n"]),
    quote_all=st.booleans(),
    chunk=st.sampled_from([1, 5, 64, 1 << 20]),
)
def test_round_trip_detailed(rows, encoding, delimiter, newline, quote_all, chunk) -> None:
    data = make_csv(
        [cells for cells, _ in rows],
        encoding=encoding,
        delimiter=delimiter,
        newline=newline,
        quote_all=quote_all,
    )
    original = _text.CHUNK
    _text.CHUNK = chunk  # hypothesis and monkeypatch fixtures do not mix
    try:
        info, parsed = parse(data)
    finally:
        _text.CHUNK = original
    assert (info.encoding, info.delimiter, info.date_order) == (encoding, delimiter, "iso")
    for line, (row, (_, expected)) in enumerate(zip(parsed, rows, strict=True), 2):
        assert row == DetailedRow(line=line, **expected)


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(moments, min_size=1, max_size=8),
    order=st.sampled_from(["mdy", "dmy"]),
)
def test_slash_dates_follow_file_evidence(days: list[datetime], order: str) -> None:
    def text(moment: datetime) -> str:
        if order == "mdy":
            return us_excel(moment)
        return f"{moment.day}/{moment.month}/{moment.year} {moment:%H:%M}"

    rows = [detailed(date=text(m)) for m in days]
    info, parsed = parse(make_csv(rows))
    decisive = any(m.day > 12 for m in days)
    assert info.date_order_ambiguous is not decisive
    assert info.date_order == (order if decisive else "mdy")
    if decisive or order == "mdy" or all(m.day == m.month for m in days):
        assert [r.day for r in parsed] == [m.date() for m in days]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.builds(lambda b: make_csv([detailed()])[:60] + b, st.binary()))
def test_arbitrary_bytes_never_raise_anything_else(data: bytes) -> None:
    with contextlib.suppress(ReportFormatError):
        parse(data)


def test_text_mode_file_is_a_programming_error(sample_dir: Path) -> None:
    with (
        open(sample_dir / "smtp-auth-clients-export_sample.csv", encoding="utf-8") as f,
        pytest.raises(TypeError, match="binary mode"),
    ):
        inspect_report(f)


def test_file_object_positioned_after_a_prefix() -> None:
    data = b"JUNK" + make_csv([detailed()], encoding="utf-16-le")
    stream = io.BytesIO(data)
    stream.seek(4)
    info = inspect_report(stream)
    assert stream.tell() == 4
    assert [r.sender for r in iter_report_rows(stream, info)] == ["skener2@contoso.cz"]


def test_unicode_line_separators_inside_fields_are_not_line_breaks() -> None:
    rows = [detailed(message_id="<a\u2028b\x85c\x0bd>", tls_cipher="x\x1cy")]
    _, [row] = parse(make_csv(rows, encoding="utf-16-be"))
    assert (row.message_id, row.tls_cipher, row.line) == ("<a\u2028b\x85c\x0bd>", "x\x1cy", 2)
