"""One database session over either engine: package calls, reads, the actor, error mapping.

Everything above this module (the API, the staff UI, the tests, the job CLI) speaks one dialect:
SQL with named binds (`:name`), package calls by name, and DbError carrying the catalog code.
Oracle is reached through python-oracledb (thin mode), PostgreSQL through psycopg 3.
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Iterator, TypeVar
from urllib.parse import unquote, urlsplit

_BIND = re.compile(r"(?<![:\w]):(\w+)")
log = logging.getLogger("ils.db")
T = TypeVar("T")

# Oracle discards a session's package state when a package it used was recompiled since (ORA-04068; the
# stack may lead with ORA-04061, ORA-04065 or ORA-06508 instead). The failed statement did nothing and
# runs once the packages are instantiated again, so it is run once more (see Session._run).
PACKAGE_STATE_DISCARDED = frozenset({"ORA-04068", "ORA-04061", "ORA-04065", "ORA-06508"})

# The connection died under the request: the server was shut down, restarted or is starting (57P01-57P03), the
# session was terminated (pg_terminate_backend: 57P01; ALTER SYSTEM KILL SESSION: ORA-00028) or the network
# dropped it. psycopg's own "server closed the connection" carries no SQLSTATE: _pg_error names it 08006;
# python-oracledb reports the ORA-nnnnn below (as DPY-4011 too) or, for its own, DPY-4011 and DPY-1001.
# Not retried (a COMMIT lost in flight may have happened); the pool drops the connection.
CONNECTION_LOST = frozenset({"57P01", "57P02", "57P03", "08000", "08003", "08006",
                             "ORA-00028", "ORA-01012", "ORA-01089", "ORA-01092", "ORA-03113", "ORA-03114",
                             "ORA-03135", "DPY-4011", "DPY-1001"})


class DbError(Exception):
    """A refusal from the error catalog (code -20nnn), or another database error (code None)."""

    def __init__(self, code: int | None, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.sqlstate = sqlstate

    def __repr__(self) -> str:
        return f"DbError({self.code}, {self.message!r})"


@lru_cache(maxsize=2048)
def _pg_sql(sql: str) -> str:
    """:name binds as psycopg's %(name)s (and a literal % doubled); the texts are few and fixed: cached."""
    return _BIND.sub(r"%(\1)s", sql.replace("%", "%%"))


def engine_of(url: str) -> str:
    scheme = urlsplit(url).scheme.split("+")[0]
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    if scheme == "oracle":
        return "oracle"
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use postgresql:// or oracle+oracledb://")


def _pg_error(exc: Exception) -> DbError:
    import psycopg
    state = getattr(exc, "sqlstate", None)
    if state is None and isinstance(exc, psycopg.OperationalError):  # the connection is gone, no server answer
        state = "08006"
    elif state is None and isinstance(exc, psycopg.DataError):  # psycopg refused a value (NUL in text)
        state = "22000"
    diag = getattr(exc, "diag", None)
    message = (diag.message_primary if diag is not None and diag.message_primary else str(exc)).strip()
    code = -(20000 + int(state[2:])) if state and state.startswith("45") and state[2:].isdigit() else None
    return DbError(code, message, state)


def _ora_error(exc: Exception) -> DbError:
    err = exc.args[0] if exc.args else None
    full = getattr(err, "code", None)
    message = getattr(err, "message", str(exc))
    code = -full if full and 20000 <= full <= 20999 else None
    if code is not None:  # strip the "ORA-20104: " prefix and the PL/SQL backtrace lines
        message = re.sub(r"^ORA-\d+: ", "", message.splitlines()[0])
    # a server error is ORA-nnnnn; the driver's own errors (code 0) keep their DPY-nnnn, e.g. DPY-4024 when
    # the call timeout expires in thin mode
    state = f"ORA-{full:05d}" if full else (getattr(err, "full_code", None) or None)
    return DbError(code, message.strip(), state)


@dataclass
class Out:
    """Declares an OUT parameter of a package procedure and its Python type."""
    type: type = int


class Session:
    """A connection in explicit-transaction mode. The caller commits or rolls back."""

    def __init__(self, raw: Any, engine: str):
        self.raw = raw
        self.engine = engine
        self._actor: tuple[int, str | None] | None = None  # set by set_actor: restored after Oracle discards package state

    # ---- reads -------------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql if self.engine == "oracle" else _pg_sql(sql)

    def _run(self, op: Callable[[Any], T]) -> T:
        """op(cursor), run once more on Oracle when the session's package state was discarded by a
        recompile (PACKAGE_STATE_DISCARDED). That error comes before the statement does anything, and the
        state of the session's other packages may be gone with it, lib_session's actor among them, so
        the actor this session set is set again first."""
        try:
            with self._cursor() as cur:
                return op(cur)
        except DbError as exc:
            if self.engine != "oracle" or exc.sqlstate not in PACKAGE_STATE_DISCARDED:
                raise
            log.warning("package state discarded (%s): running the statement once more", exc.sqlstate)
        with self._cursor() as cur:
            if self._actor is not None:
                cur.callproc("lib_session.set_actor", list(self._actor))
            return op(cur)

    def rows(self, sql: str, binds: dict | None = None) -> list[dict]:
        def op(cur: Any) -> list[dict]:
            cur.execute(self._sql(sql), binds or {})
            if cur.description is None:
                return []
            names = [d[0].lower() for d in cur.description]
            return [dict(zip(names, (_plain(v) for v in row))) for row in cur.fetchall()]
        return self._run(op)

    def one(self, sql: str, binds: dict | None = None) -> dict | None:
        found = self.rows(sql, binds)
        return found[0] if found else None

    def scalar(self, sql: str, binds: dict | None = None) -> Any:
        row = self.one(sql, binds)
        return None if row is None else next(iter(row.values()))

    def execute(self, sql: str, binds: dict | None = None) -> int:
        """A write outside the business tables (tests' arrange steps, data loaders)."""
        def op(cur: Any) -> int:
            cur.execute(self._sql(sql), binds or {})
            return cur.rowcount
        return self._run(op)

    def insert(self, table: str, values: dict, key: str) -> int:
        """INSERT one row of reference or test data and return its generated key."""
        cols = ", ".join(values)
        marks = ", ".join(f":{c}" for c in values)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"

        def op(cur: Any) -> int:
            if self.engine == "oracle":
                rid = cur.var(_ora_type(int))
                cur.execute(f"{sql} RETURNING {key} INTO :rid_", {**values, "rid_": rid})
                return _plain(rid.getvalue()[0])
            cur.execute(self._sql(f"{sql} RETURNING {key}"), values)
            return _plain(cur.fetchone()[0])
        return self._run(op)

    # ---- package calls -----------------------------------------------------------------------
    def call(self, procedure: str, *args: Any) -> tuple:
        """CALL a package procedure. Pass Out(type) for each OUT parameter; returns the OUT values."""
        outs = [i for i, a in enumerate(args) if isinstance(a, Out)]

        def op(cur: Any) -> tuple:
            if self.engine == "oracle":
                params = [cur.var(_ora_type(a.type)) if isinstance(a, Out) else a for a in args]
                cur.callproc(procedure, params)
                return tuple(_plain(params[i].getvalue()) for i in outs)
            marks = ", ".join("NULL" if isinstance(a, Out) else "%s" for a in args)
            cur.execute(f"CALL {procedure}({marks})", [a for a in args if not isinstance(a, Out)])
            if not outs:
                return ()
            row = cur.fetchone()
            return tuple(_plain(v) for v in row)
        return self._run(op)

    def call_committed(self, user_id: int | None, key: str | None, procedure: str, *args: Any) -> tuple:
        """set_actor(user_id, key), CALL procedure, clear_actor and COMMIT in one round trip; returns the
        OUT values. The connection must be outside a transaction (PostgreSQL: autocommit mode, the gateway's
        pooled connections). On an error nothing is committed and the caller rolls back."""
        outs = [i for i, a in enumerate(args) if isinstance(a, Out)]

        def op(cur: Any) -> tuple:
            if self.engine == "oracle":
                binds: dict[str, Any] = {"u_": user_id, "k_": key}
                marks = []
                for i, a in enumerate(args):
                    binds[f"a{i}"] = cur.var(_ora_type(a.type)) if isinstance(a, Out) else a
                    marks.append(f":a{i}")
                cur.execute(f"BEGIN lib_session.set_actor(:u_, :k_); {procedure}({', '.join(marks)}); "
                            "lib_session.clear_actor(); COMMIT; END;", binds)
                return tuple(_plain(binds[f"a{i}"].getvalue()) for i in outs)
            sql, values = _pg_call(procedure, args)
            with self.raw.pipeline():
                cur.execute("BEGIN")
                cur.execute("CALL lib_session.set_actor(%s, %s)", [user_id, key])
                answer = self.raw.cursor()
                answer.execute(sql, values)
                cur.execute("CALL lib_session.clear_actor()")
                cur.execute("COMMIT")
            try:
                row = answer.fetchone() if outs else None
            finally:
                answer.close()
            return tuple(_plain(v) for v in row) if outs else ()
        return self._run(op)

    def call_guarded(self, procedure: str, *args: Any) -> tuple:
        """CALL a package procedure inside the current transaction so that its failure undoes only the
        call (a savepoint), as Oracle's statement-level rollback does: a bulk import goes on after a bad
        record. call_guarded_many with one call. Returns the OUT values; raises DbError after undoing the call."""
        [answer] = self.call_guarded_many(procedure, [args])
        if isinstance(answer, DbError):
            raise answer
        return answer

    def call_guarded_many(self, procedure: str, arg_lists: list[tuple]) -> list[tuple | DbError]:
        """call_guarded for each argument list, in order: the OUT values of each call, or the DbError that
        undid it. PostgreSQL sends every call (SAVEPOINT, CALL, RELEASE) in one pipeline: one round trip for
        the lot while the calls succeed. A failed call stops the server until the pipeline's end; the
        failed call is undone (ROLLBACK TO its savepoint) and the calls after it are sent again. Oracle
        makes each call by itself, atomic as every Oracle call is. A lost connection is raised."""
        if self.engine == "oracle":
            answers: list[tuple | DbError] = []
            for args in arg_lists:
                try:
                    answers.append(self.call(procedure, *args))
                except DbError as exc:
                    if exc.sqlstate in CONNECTION_LOST:
                        raise
                    answers.append(exc)
            return answers
        return self._run(lambda cur: self._pg_guarded_many(cur, procedure, arg_lists))

    def _pg_guarded_many(self, cur: Any, procedure: str, arg_lists: list[tuple]) -> list[tuple | DbError]:
        import psycopg
        answers: list[tuple | DbError] = []
        while len(answers) < len(arg_lists):
            sent: list[tuple[Any, bool]] = []
            failure: Exception | None = None
            try:
                with self.raw.pipeline():
                    for args in arg_lists[len(answers):]:
                        sql, values = _pg_call(procedure, args)
                        # never prepared: a server-side PREPARE skipped after a failure would stay in
                        # psycopg's cache of prepared statements ("prepared statement does not exist")
                        cur.execute("SAVEPOINT guarded_call", prepare=False)
                        answer = self.raw.cursor()
                        # listed before it is sent: a failure may surface during any later execute()
                        sent.append((answer, any(isinstance(a, Out) for a in args)))
                        answer.execute(sql, values, prepare=False)
                        cur.execute("RELEASE SAVEPOINT guarded_call", prepare=False)
            except psycopg.Error as exc:
                if isinstance(exc, psycopg.OperationalError):
                    raise
                failure = exc
            done = 0
            for answer, outs in sent:
                if answer.pgresult is None or answer.pgresult.status == psycopg.pq.ExecStatus.FATAL_ERROR:
                    break  # the failed call: every call after it was skipped by the server
                row = answer.fetchone() if outs else None
                answers.append(tuple(_plain(v) for v in row) if outs else ())
                done += 1
            for answer, _ in sent:
                answer.close()
            if failure is None:
                break
            if done == len(sent):  # a SAVEPOINT or RELEASE failed, not a call: nothing to skip
                raise failure
            cur.execute("ROLLBACK TO SAVEPOINT guarded_call")  # the failed call's own savepoint
            answers.append(_pg_error(failure))
        return answers

    def replan(self) -> None:
        """Make this session plan its statements again, those inside the packages included. PostgreSQL
        keeps a plan per statement for the session's life, made for the tables' sizes of then: a bulk load
        into a small catalog would go on with the plans of a small catalog (scans where indexes now pay).
        Oracle peeks and adapts its cursors by itself: nothing to do."""
        if self.engine == "postgresql":
            self.execute("DISCARD PLANS")

    def fn(self, function: str, *args: Any, returns: type = int) -> Any:
        """Call a package function and return its value (BOOLEAN results come back as bool)."""
        def op(cur: Any) -> Any:
            if self.engine == "oracle":
                return _plain(cur.callfunc(function, _ora_type(returns), list(args)))
            marks = ", ".join("%s" for _ in args)
            cur.execute(f"SELECT {function}({marks})", list(args))
            return _plain(cur.fetchone()[0])
        return self._run(op)

    def set_actor(self, user_id: int | None, session_key: str | None = None) -> None:
        """Act as `user_id` under their session (the key their login issued); None = system work."""
        self._actor = None
        self.call("lib_session.set_actor", user_id, session_key)
        self._actor = (user_id, session_key) if user_id is not None else None

    def clear_actor(self) -> None:
        self.call("lib_session.clear_actor")
        self._actor = None

    # ---- transactions ------------------------------------------------------------------------
    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    @contextmanager
    def savepoint(self, name: str = "sp") -> Iterator[None]:
        """Run a block so that an error undoes only the block (Oracle's statement-level rollback,
        made explicit so both engines behave alike)."""
        self.execute(f"SAVEPOINT {name}")
        try:
            yield
        except DbError:
            self.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        cur = self.raw.cursor()
        try:
            yield cur
        except DbError:
            raise
        except Exception as exc:  # driver errors become DbError with the catalog code
            raise _map_error(self.engine, exc) from exc
        finally:
            cur.close()

    def close(self) -> None:
        self.raw.close()


def _pg_call(procedure: str, args: tuple) -> tuple[str, list]:
    """CALL text and bind values of a package procedure on PostgreSQL (an OUT parameter is passed as NULL)."""
    marks = ", ".join("NULL" if isinstance(a, Out) else "%s" for a in args)
    return f"CALL {procedure}({marks})", [a for a in args if not isinstance(a, Out)]


async def call_committed_async(raw: Any, user_id: int | None, key: str | None, procedure: str, *args: Any) -> tuple:
    """Session.call_committed on a psycopg AsyncConnection (autocommit mode): BEGIN, set_actor, the call,
    clear_actor and COMMIT in one pipeline, awaited on the event loop (no worker thread). On an error
    nothing is committed; the caller rolls back."""
    import psycopg
    outs = any(isinstance(a, Out) for a in args)
    sql, values = _pg_call(procedure, args)
    try:
        async with raw.pipeline():
            cur = raw.cursor()
            await cur.execute("BEGIN")
            await cur.execute("CALL lib_session.set_actor(%s, %s)", [user_id, key])
            answer = raw.cursor()
            await answer.execute(sql, values)
            await cur.execute("CALL lib_session.clear_actor()")
            await cur.execute("COMMIT")
        row = await answer.fetchone() if outs else None
        await answer.close()
        await cur.close()
    except psycopg.Error as exc:
        raise _pg_error(exc) from exc
    return tuple(_plain(v) for v in row) if outs else ()


def _map_error(engine: str, exc: Exception) -> Exception:
    if engine == "postgresql":
        import psycopg
        return _pg_error(exc) if isinstance(exc, psycopg.Error) else exc
    import oracledb
    return _ora_error(exc) if isinstance(exc, oracledb.Error) else exc


def oracle_driver() -> Any:
    """python-oracledb with NUMBER columns fetched as Decimal (as psycopg fetches numeric): money stays
    exact, and _plain turns the integral ones (keys, counts) into int on both engines."""
    import oracledb
    oracledb.defaults.fetch_decimals = True
    return oracledb


def _ora_type(t: type) -> Any:
    import oracledb
    return {int: oracledb.DB_TYPE_NUMBER, float: oracledb.DB_TYPE_NUMBER, Decimal: Decimal,  # money stays exact
            str: oracledb.DB_TYPE_VARCHAR, datetime: oracledb.DB_TYPE_DATE, date: oracledb.DB_TYPE_DATE,
            bool: oracledb.DB_TYPE_BOOLEAN}[t]


def _plain(v: Any) -> Any:
    """Integral Decimals (NUMBER keys and counts) become int, so both engines return the same values."""
    if isinstance(v, Decimal) and v == v.to_integral_value() and v.as_tuple().exponent >= 0:
        return int(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


_SCHEMA_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_$#]{0,127}$")


def current_schema_sql(schema: str) -> str:
    """Oracle: the statement that makes unqualified names resolve in the schema owner's objects, for an
    application user that owns none (ILS_DB_SCHEMA). An identifier cannot be a bind: the name is checked."""
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"not a schema name: {schema!r}")
    return f"ALTER SESSION SET CURRENT_SCHEMA = {schema.upper()}"


def connect(url: str, schema: str | None = None, cls: type[Session] = Session) -> Session:
    """Open one session (no pool) with the engine's session settings pinned. `schema` (Oracle only): the
    schema owner whose objects unqualified names mean, for a user that owns none (the application user).
    `cls`: the Session class to open (tests arrange through a subclass)."""
    engine = engine_of(url)
    if engine == "postgresql":
        import psycopg
        parts = urlsplit(url)
        raw = psycopg.connect(parts._replace(scheme="postgresql").geturl(), autocommit=False)
        return cls(raw, engine)
    oracledb = oracle_driver()
    parts = urlsplit(url)
    raw = oracledb.connect(user=unquote(parts.username or ""), password=unquote(parts.password or ""),
                           dsn=f"{parts.hostname}:{parts.port or 1521}{parts.path}")
    raw.autocommit = False
    with raw.cursor() as cur:
        cur.execute("ALTER SESSION SET TIME_ZONE = 'UTC'")
        if schema:
            cur.execute(current_schema_sql(schema))
    return cls(raw, engine)
