"""The staging table for detailed reports: rows stream in while the file is parsed,
and are merged into ReportMessage only after the whole file parsed cleanly.

On PostgreSQL rows arrive through COPY (psycopg 3), elsewhere through executemany.
The merge is one ``INSERT ... SELECT ... ON CONFLICT (tenant_id, message_id) DO
NOTHING``, so a message already known from an earlier report is never counted twice.
The table is a session TEMP table: invisible to other connections, gone with the
session, dropped explicitly when done.
"""

from __future__ import annotations

import uuid

from django.db import connection

from readiness.imports.models import ReportMessage
from readiness.imports.parsing import DetailedRow
from readiness.senders.models import Sender

COLUMNS = "message_id, day, sender, auth_method, count, client_ip, tls_version"
# A message another import (or an earlier row of the file) already has stays theirs.
DEDUPE = " ON CONFLICT (tenant_id, message_id) DO NOTHING"


class MessageStage:
    def __init__(self) -> None:
        self.table = f"import_stage_{uuid.uuid4().hex[:12]}"
        self.postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} (message_id text, day date, "
                "sender text, auth_method text, count bigint, client_ip text, tls_version text)"
            )

    def write(self, batch: list[DetailedRow]) -> None:
        if self.postgres:
            self._copy(batch)
            return
        values = [(r.message_id, r.day, r.sender, r.auth_method, r.message_count,
                   r.client_ip, r.tls_version) for r in batch]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                values,
            )

    def _copy(self, batch: list[DetailedRow]) -> None:
        # COPY text format, joined in one go: far cheaper than write_row per row. If any
        # value holds a character COPY text must escape, the batch goes row by row.
        text = "".join([
            f"{r.message_id}\t{r.day.isoformat()}\t{r.sender}\t{r.auth_method}\t"
            f"{r.message_count}\t{r.client_ip}\t{r.tls_version}\n" for r in batch])
        clean = (text.count("\t") == 6 * len(batch) and text.count("\n") == len(batch)
                 and "\\" not in text and "\r" not in text)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {self.table} ({COLUMNS}) FROM STDIN") as copy:
                if clean:
                    copy.write(text)
                    return
                for r in batch:
                    copy.write_row((r.message_id, r.day, r.sender, r.auth_method,
                                    r.message_count, r.client_ip, r.tls_version))

    def merge_statement(self, *, tenant_id: int, import_id: int,
                        dedupe: bool = True) -> tuple[str, list]:
        """The INSERT of the staged messages not already known (statement, params);
        dedupe=False leaves out the ON CONFLICT (recompute.detailed_import_merge).

        Senders must exist already (senders_ensure) so the join finds every row.
        """
        messages, senders = ReportMessage._meta.db_table, Sender._meta.db_table
        sql = (
            f"INSERT INTO {messages} (tenant_id, message_id, report_import_id, day, "  # noqa: S608
            "sender_id, auth_method, count, client_ip, tls_version) "
            f"SELECT %s, s.message_id, %s, s.day, snd.id, s.auth_method, s.count, s.client_ip, "
            f"s.tls_version FROM {self.table} s JOIN {senders} snd "
            "ON snd.tenant_id = %s AND snd.address = s.sender WHERE true "
            + (DEDUPE if dedupe else "")
        )
        return sql, [tenant_id, import_id, tenant_id]

    def merge(self, *, tenant_id: int, import_id: int) -> int:
        """Insert the staged messages not already known; return how many were new."""
        sql, params = self.merge_statement(tenant_id=tenant_id, import_id=import_id)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return max(cursor.rowcount, 0)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
