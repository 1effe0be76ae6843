"""Importer fuzzing: generated and mutated Exchange admin center report files, and the
invariants one import of any of them must keep (docs/reliability.md):

- no unhandled exception: the outcome is imported, rejected or "already imported";
- no partial import: a rejected file leaves every table it could touch as it was;
- every rejection carries a message for the user.

Deterministic: file i of seed s is always the same bytes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

DETAILED_HEADER = ["date", "senderName", "senderDomain", "authMethod", "original_client_ip",
                   "tls_version", "tls_cipher", "message_count", "message_id"]
EXPORT_HEADER = ["Sender address", "Domain", "TLS 1.0", "TLS 1.1", "TLS 1.2",
                 "Messages sent", "Authentication protocol"]
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1250", "latin-1")
NASTY = ["", " ", "\x00", "\u202e", "=cmd|' /C calc'!A0", "<script>", "9" * 40, "-1", "1e9",
         "2026-13-45T99:99:99Z", "NaN", "ä" * 300, '"', '""', "\r", "\n", "Basic\x00", "%"]


@dataclass
class FuzzFile:
    name: str
    data: bytes
    kind: str  # "detailed" or "export" (what it started as)


def _detailed_rows(rng: random.Random, n: int) -> list[list[str]]:
    start = date(2026, 10, 1)
    rows = []
    for _ in range(n):
        day = start + timedelta(days=rng.randrange(40))
        sender = f"dev{rng.randrange(8)}"
        rows.append([f"{day}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00.0000000Z",
                     sender, "contoso.cz", rng.choice(["Basic", "OAuth", "Unknown"]),
                     f"203.0.113.{rng.randrange(255)}", rng.choice(["TLS1_2", "TLS1_0"]),
                     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", str(rng.randrange(1, 5)),
                     f"<m{rng.randrange(10**9)}@{sender}.contoso.cz>"])
    return rows


def _export_rows(rng: random.Random, n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        a = rng.randrange(101)
        b = rng.randrange(101 - a)
        rows.append([f"s{i}@contoso.cz", "contoso.cz", f"{a}%", f"{b}%", f"{100 - a - b}%",
                     str(rng.randrange(10**4)), rng.choice(["Basic", "OAuth"])])
    return rows


def _render(rng: random.Random, header: list[str], rows: list[list[str]]) -> str:
    quote = rng.random() < 0.6
    delimiter = rng.choice([",", ",", ",", ";", "\t"])
    newline = rng.choice(["\r\n", "\n"])

    def line(cells):
        return delimiter.join(f'"{c}"' if quote else c for c in cells)

    return newline.join([line(header), *map(line, rows)]) + newline


def _mutate_rows(rng: random.Random, header: list[str], rows: list[list[str]]):
    header, rows = list(header), [list(r) for r in rows]
    for _ in range(rng.randrange(1, 4)):
        choice = rng.randrange(8)
        row = rng.choice(rows) if rows else []  # an earlier cut may have emptied it
        if choice == 0 and row:  # a nasty value in a random cell
            row[rng.randrange(len(row))] = rng.choice(NASTY)
        elif choice == 1 and row:  # a row too short or too long
            del row[rng.randrange(len(row)):]
        elif choice == 2 and rows:
            rng.choice(rows).append(rng.choice(NASTY))
        elif choice == 3 and header:  # header renamed, dropped or shuffled
            header[rng.randrange(len(header))] = rng.choice([*NASTY, "Date", "x"])
        elif choice == 4:
            rng.shuffle(header)
        elif choice == 5 and rows:  # duplicated rows (overlap inside one file)
            rows += rng.sample(rows, k=min(len(rows), rng.randrange(1, 4)))
        elif choice == 6:
            rows = []
        elif header:
            header = header[: rng.randrange(len(header))]
    return header, rows


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        choice = rng.randrange(5)
        if choice == 0 and data:  # truncated anywhere (a killed download)
            del data[rng.randrange(len(data)):]
        elif choice == 1 and data:  # random bytes flipped
            for _ in range(rng.randrange(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice == 2:  # random bytes inserted
            at = rng.randrange(len(data) + 1)
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        elif choice == 3:  # a stray BOM
            data[0:0] = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
        else:
            data += b"\x00" * rng.randrange(1, 9)
    return bytes(data)


def fuzz_file(seed: int, i: int) -> FuzzFile:
    rng = random.Random(f"{seed}:{i}")
    detailed = rng.random() < 0.6
    header = DETAILED_HEADER if detailed else EXPORT_HEADER
    rows = (_detailed_rows if detailed else _export_rows)(rng, rng.randrange(0, 30))
    style = rng.random()
    if style < 0.5:  # row-level mutations, still valid text
        header, rows = _mutate_rows(rng, header, rows)
    text = _render(rng, header, rows)
    encoding = rng.choice(ENCODINGS)
    data = text.encode(encoding, errors="replace")
    if 0.3 < style < 0.8:  # byte-level mutations
        data = _mutate_bytes(rng, data)
    name = f"{'SmtpCSReport' if detailed else 'smtp-auth-clients-export'}_{seed}_{i}.csv"
    return FuzzFile(name=name, data=data, kind="detailed" if detailed else "export")


def fuzz_files(*, seed: int, count: int) -> Iterator[FuzzFile]:
    for i in range(count):
        yield fuzz_file(seed, i)
