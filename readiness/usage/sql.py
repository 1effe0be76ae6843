"""The few SQL spellings that differ between PostgreSQL and SQLite, for the set-based
fact writers (readiness.imports.recompute, readiness.usage.services/rollups).

Everything else those writers use is common SQL: INSERT ... SELECT ... GROUP BY ...
ON CONFLICT (...) DO UPDATE (SQLite >= 3.24), UPDATE ... FROM (SQLite >= 3.33) and
window functions (SQLite >= 3.25).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection


def postgres() -> bool:
    return connection.vendor == "postgresql"


def in_ids(column: str, ids: Iterable[int]) -> tuple[str, list]:
    """`column` is one of `ids`, as ONE bound parameter: a file can name tens of
    thousands of senders, more than a statement may carry as separate parameters.
    On PostgreSQL an IN (SELECT unnest(...)) so the planner hashes the ids: `= ANY` of
    a long array compares every row with every id."""
    ids = sorted(ids)
    if postgres():
        return f"{column} IN (SELECT unnest(%s::bigint[]))", [ids]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]  # noqa: S608


def add_days(day: str, n: str) -> str:
    """The date `day` plus the integer expression `n` days."""
    if postgres():
        return f"({day} + ({n})::integer)"
    return f"date({day}, '+' || ({n}) || ' days')"


def days_inclusive(start: str, end: str) -> str:
    """How many days start..end covers (both included), as an integer expression."""
    if postgres():
        return f"(({end}) - ({start}) + 1)"
    return f"(CAST(julianday({end}) - julianday({start}) AS INTEGER) + 1)"


def least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if postgres() else f"MIN({a}, {b})"


def greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if postgres() else f"MAX({a}, {b})"


def floor(value: str) -> str:
    # SQLite's math functions are optional at build time; CAST truncates (value >= 0).
    return f"floor({value})::bigint" if postgres() else f"CAST({value} AS INTEGER)"


def round_half_even(value: str) -> str:
    """Python's round() of a non-negative float: halves go to the even neighbour, so
    the SQL figures equal what the Python code always produced."""
    f = floor(value)
    return (f"(CASE WHEN ({value}) - {f} > 0.5 THEN {f} + 1 "
            f"WHEN ({value}) - {f} < 0.5 THEN {f} ELSE {f} + ({f}) %% 2 END)")


def integers(count: int, name: str = "n") -> str:
    """A derived table of the integers 0..count-1 in column `name` (portable VALUES)."""
    return "(" + " UNION ALL ".join(f"SELECT {i} AS {name}" for i in range(count)) + ")"


def work_mem_for_bulk() -> None:
    """Within the current transaction, let PostgreSQL hash and sort a large import's
    hundreds of thousands of groups in memory rather than spill them to disk."""
    if postgres():
        execute("SET LOCAL work_mem = '64MB'")


def replace_rows(*, table: str, key: str, values: tuple[str, ...], match: tuple[str, ...],
             facts: str, params: list, scope: str, scope_params: list,
             update: tuple[str, ...]) -> int:
    """Make the rows of `table` within `scope` equal to what the `facts` query yields
    (its columns: key, then values): upsert every fact in one INSERT ... SELECT ... ON
    CONFLICT DO UPDATE (unchanged rows are not rewritten), then delete the rows in
    scope whose `match` columns the facts no longer have (their import was deleted).
    Returns how many rows the upsert wrote."""
    changed = " OR ".join(f"{table}.{v} <> excluded.{v}" for v in update)
    written = execute(
        f"INSERT INTO {table} ({key}, {', '.join(values)}) "  # noqa: S608
        f"SELECT * FROM ({facts}) facts WHERE true ON CONFLICT ({key}) DO UPDATE SET "
        + ", ".join(f"{v} = excluded.{v}" for v in update) + f" WHERE {changed}",
        params)
    # The prune below is planned with the table's statistics: after a large first write
    # they still say "empty", and it ran for minutes (bench/README.md).
    analyze_if_outgrown(table, written)
    # The stale keys as a set difference (EXCEPT): hashed once, never a subquery per row.
    keys = ", ".join(match)
    execute(
        f"DELETE FROM {table} WHERE {scope} AND ({keys}) IN ("  # noqa: S608
        f"SELECT {keys} FROM {table} WHERE {scope} EXCEPT SELECT {keys} FROM ({facts}) facts)",
        [*scope_params, *scope_params, *params])
    return written


def in_values(column: str, values: Iterable, pg_type: str) -> tuple[str, list]:
    """`column` is one of `values` (dates, texts), as one bound parameter."""
    values = sorted(values)
    if postgres():
        return f"{column} = ANY(%s::{pg_type}[])", [values]
    return (f"{column} IN (SELECT value FROM json_each(%s))",  # noqa: S608
            [json.dumps([str(v) for v in values])])


def utc_day(column: str) -> str:
    """The UTC date of a timestamp column (SQLite stores them as UTC text)."""
    return f"(({column}) AT TIME ZONE 'UTC')::date" if postgres() else f"date({column})"


def execute(sql: str, params: Sequence = ()) -> int:
    """Run one statement; the number of rows it wrote (0 when the driver cannot tell)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    """Run a query whose result is small (per day, per status), not per fact."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def analyze_if_outgrown(table: str, added: int) -> bool:
    """ANALYZE `table` when `added` rows are many next to what its statistics know.

    PostgreSQL plans with the statistics of the last ANALYZE, and autovacuum refreshes
    them only later. Right after a tenant's first large import the follow-up's queries
    were planned for an empty table: a nested loop of 3,000 senders over 300,000 daily
    rows took 100 s (bench/README.md). Analysing costs ~0.1 s per table, so it runs
    only when the rows added exceed a fifth of the known size (autovacuum's own rule
    is a tenth plus 50, checked about once a minute), which in practice means a young
    installation. Inside a transaction ANALYZE holds the table's SHARE UPDATE EXCLUSIVE
    lock until the commit: reads and writes go on, another analysis of the same table
    (a second large import at the same moment) waits for it."""
    if not postgres() or added < 1000:
        return False
    (tuples,) = fetch("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])[0]
    if tuples >= 0 and added <= tuples / 5:
        return False
    execute(f"ANALYZE {table}")
    return True
