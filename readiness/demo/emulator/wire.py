"""Request/response values passed between the server and the service handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    base_url: str  # https://host:port
    # Answered after the client's timeout (slow-once): nobody reads the answer, so it must
    # not spend a fault the client would never see (truncate-once).
    unread: bool = False

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def json(self):
        return json.loads(self.body or b"null")

    def bearer(self) -> str:
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else ""


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False  # cut the connection mid-body (faults.py, reset-once)


def json_response(status: int, payload, **headers: str) -> Response:
    return Response(status, json.dumps(payload).encode(),
                    {"Content-Type": "application/json; charset=utf-8", **headers})


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
