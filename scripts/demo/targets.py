"""Where the rows go: one class per engine, everything engine-specific is in them.

PostgreSQL streams each table with COPY in one transaction; Oracle binds batches with executemany.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from scripts.demo.tables import COLUMNS, ID_COLUMN, column_names


class Target:
    engine = "?"

    def scalar(self, sql: str, params: Sequence = ()) -> Any: ...
    def rows(self, sql: str, params: Sequence = ()) -> list[tuple]: ...
    def write(self, table: str, rows: Iterable[Sequence]) -> int: ...
    def reset_identity(self, table: str, column: str) -> None: ...
    def finish(self, tables: Sequence[str]) -> None: ...  # gather statistics, run deferred checks, commit
    def close(self) -> None: ...

    def max_id(self, table: str) -> int:
        return int(self.scalar(f"SELECT COALESCE(MAX({ID_COLUMN[table]}), 0) FROM {table}") or 0)


class PgTarget(Target):
    """psycopg 3: COPY ... FROM STDIN with write_row, all in one transaction.

    Row-by-row foreign-key triggers are most of the cost of a bulk load (each one locks its parent row),
    so when the role may, the load runs with session_replication_role = replica for this transaction
    only (SET LOCAL, as pg_restore --disable-triggers does) and then checks every foreign key of the
    written tables set-based, one anti-join each, before it commits: a broken reference rolls back the
    whole load. CHECK, NOT NULL and unique constraints are enforced as usual throughout. The same setting
    also keeps row triggers (an audit trail, say) from firing for the bulk rows. Without the privilege
    the load runs with the triggers on.
    """
    engine = "postgresql"

    def __init__(self, url: str, fast: bool = True):
        from urllib.parse import urlsplit

        import psycopg
        parts = urlsplit(url)
        self.conn = psycopg.connect(parts._replace(scheme="postgresql").geturl(), autocommit=False)
        self.conn.execute("SET LOCAL synchronous_commit = off")
        self.deferred_fk_check = False
        if fast and self.scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            self.conn.execute("SET LOCAL session_replication_role = replica")
            self.deferred_fk_check = True

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def scalar(self, sql, params=()):
        row = self.conn.execute(self._sql(sql), params).fetchone()
        return None if row is None else row[0]

    def rows(self, sql, params=()):
        return self.conn.execute(self._sql(sql), params).fetchall()

    def write(self, table, rows):
        n = 0
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(column_names(table))}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
                n += 1
        return n

    def reset_identity(self, table, column):
        self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), m) "
                          f"FROM (SELECT MAX({column}) AS m FROM {table}) s WHERE m IS NOT NULL")

    def finish(self, tables):
        # statistics first (ANALYZE samples this transaction's own rows), so the checks below plan well
        self.conn.execute("ANALYZE " + ", ".join(tables))
        if self.deferred_fk_check:
            self.check_foreign_keys(tables)
        self.conn.commit()

    def check_foreign_keys(self, tables: Sequence[str]) -> None:
        fks = self.rows(
            "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text, "
            "       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
            "             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), "
            "       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
            "             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) "
            "  FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY(?::regclass[]) ORDER BY 1",
            (list(tables),))
        broken = []
        for name, child, parent, ccols, pcols in fks:
            present = " AND ".join(f"c.{col} IS NOT NULL" for col in ccols)
            match = " AND ".join(f"p.{pc} = c.{cc}" for cc, pc in zip(ccols, pcols))
            n = self.scalar(f"SELECT COUNT(*) FROM {child} c WHERE {present} "
                            f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {match})")
            if n:
                broken.append(f"{name}: {n} row(s) of {child}")
        if broken:
            raise RuntimeError("foreign keys broken by the generated data (nothing was loaded): " + "; ".join(broken))

    def close(self):
        self.conn.close()


class OracleTarget(Target):
    """python-oracledb: executemany in batches, TO_DATE for DATE columns. Not exercised by the tests here."""
    engine = "oracle"
    BATCH = 20_000

    def __init__(self, url: str):
        from datalayer.session import connect
        self.conn = connect(url).raw

    def _sql(self, sql: str) -> str:
        out, n = [], 0
        for ch in sql:
            if ch == "?":
                n += 1
                out.append(f":{n}")
            else:
                out.append(ch)
        return "".join(out)

    def scalar(self, sql, params=()):
        with self.conn.cursor() as cur:
            cur.execute(self._sql(sql), list(params))
            row = cur.fetchone()
        return None if row is None else row[0]

    def rows(self, sql, params=()):
        with self.conn.cursor() as cur:
            cur.execute(self._sql(sql), list(params))
            return cur.fetchall()

    def write(self, table, rows):
        cols = COLUMNS[table]
        binds = [f"TO_DATE(:{i + 1}, 'YYYY-MM-DD HH24:MI:SS')" if c.endswith("@")
                 else f"TO_NUMBER(:{i + 1}, '9999999990D99', 'NLS_NUMERIC_CHARACTERS=''.,''')" if c.endswith("$")
                 else f":{i + 1}" for i, c in enumerate(cols)]
        sql = f"INSERT INTO {table} ({', '.join(column_names(table))}) VALUES ({', '.join(binds)})"
        import oracledb
        n, batch = 0, []

        def flush(cur) -> None:
            # bind types from the first non-NULL value of each column (a leading NULL says nothing)
            sizes = []
            for i in range(len(cols)):
                v = next((b[i] for b in batch if b[i] is not None), None)
                sizes.append(oracledb.DB_TYPE_NUMBER if isinstance(v, (int, float)) else 4000 if v is None
                             else max(1, max(len(b[i]) for b in batch if b[i] is not None)))
            cur.setinputsizes(*sizes)
            cur.executemany(sql, batch)

        with self.conn.cursor() as cur:
            for row in rows:
                batch.append(list(row))
                if len(batch) >= self.BATCH:
                    flush(cur)
                    n += len(batch)
                    batch = []
            if batch:
                flush(cur)
                n += len(batch)
        return n

    def reset_identity(self, table, column):
        # DDL: Oracle commits the load here (it runs after the last row is written)
        with self.conn.cursor() as cur:
            cur.execute(f"ALTER TABLE {table} MODIFY {column} GENERATED BY DEFAULT AS IDENTITY (START WITH LIMIT VALUE)")

    def finish(self, tables):
        self.conn.commit()
        with self.conn.cursor() as cur:
            for t in tables:
                cur.execute("BEGIN DBMS_STATS.GATHER_TABLE_STATS(USER, :1); END;", [t.upper()])

    def close(self):
        self.conn.close()


def open_target(url: str, row_triggers: bool = False) -> Target:
    scheme = url.split(":", 1)[0].split("+")[0].lower()
    if scheme in ("postgresql", "postgres"):
        return PgTarget(url, fast=not row_triggers)
    if scheme == "oracle":
        return OracleTarget(url)
    raise ValueError(f"unsupported database URL scheme {scheme!r}")


def now_sql(engine: str) -> str:
    """The packages' clock (UTC, to the second), whatever the host's or the session's time zone."""
    return "SELECT lib_clock.now_utc() FROM dual" if engine == "oracle" else "SELECT lib_clock.now_utc()"


def rebuild_search_documents(target) -> None:
    """The bulk rows bypassed the triggers that keep the catalog's search documents: rebuild them set-based."""
    if target.engine == "oracle":
        with target.conn.cursor() as cur:
            cur.callproc("lib_search.rebuild_documents")
        return
    # PostgreSQL: the secondary indexes (the GIN full-text one) built once over the rows, not row by row
    indexes = target.rows("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                          "WHERE indrelid = 'search_documents'::regclass AND NOT indisprimary")
    for name, _ in indexes:
        target.conn.execute(f"DROP INDEX {name}")
    target.conn.execute("CALL lib_search.rebuild_documents()")
    for _, ddl in indexes:
        target.conn.execute(ddl)
