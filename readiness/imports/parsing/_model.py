"""Public value types and the error raised for bad files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


class ReportFormatError(ValueError):
    """The uploaded file is not a report we can import; ``str()`` is user-facing."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.value = value


class DetailedRow(NamedTuple):
    # A tuple, not a frozen dataclass: built a million times per file, and a frozen
    # dataclass's __init__ sets every field through object.__setattr__.
    line: int
    day: date
    sender: str
    auth_method: str  # "basic" | "oauth"
    client_ip: str
    tls_version: str
    tls_cipher: str
    message_count: int
    message_id: str


@dataclass(frozen=True, slots=True)
class ExportRow:
    line: int
    sender: str
    domain: str
    auth_method: str  # "basic" | "oauth" | "unknown"
    tls10: float
    tls11: float
    tls12: float
    messages: int


@dataclass(frozen=True, slots=True)
class FileInfo:
    format: str  # "detailed" | "export"
    encoding: str  # "utf-16-le" | "utf-16-be" | "utf-8-sig" | "utf-8"
    delimiter: str
    date_order: str | None  # "iso" | "mdy" | "dmy"; None for the export
    date_order_ambiguous: bool
    columns: list[str]


class BadValue(Exception):
    """A cell could not be parsed; the row loop adds line and column."""

    def __init__(self, problem: str, index: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.index = index
