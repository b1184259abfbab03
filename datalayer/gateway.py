"""The DB gateway: pooled sessions on either engine, one transaction per request, the actor per transaction.

    with gateway.transaction(actor=user) as s:              # set_actor(user, session key) first
        loan_id, due_at = s.call("lib_circulation.checkout", ..., Out(int), Out(datetime))
    # committed here; on any exception rolled back; the actor is cleared either way

    with gateway.read() as s:                                # reads in one transaction, rolled back at the end
        rows = s.rows("SELECT ... WHERE x = :x", {"x": 1})
    with gateway.statements() as s:                          # reads as plain statements (no transaction)
        ...

    out = await gateway.transact(user, work)                 # from an async handler: transaction(), and
    rows = await gateway.query(lambda s: s.rows(...))        # statements(), run on a worker thread

PostgreSQL: psycopg_pool.ConnectionPool. Oracle: python-oracledb pool in thin mode. Errors arrive as
datalayer.session.DbError with the catalog code (-20nnn) on both engines; PoolTimeout becomes
DbUnavailable. Per-procedure call latency goes to an observer (the metrics module) when one is set.
"""
from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Protocol, TypeVar
from urllib.parse import unquote, urlsplit

from datalayer.session import DbError, Out, Session, call_committed_async, current_schema_sql, engine_of, oracle_driver

__all__ = ["Gateway", "DbUnavailable", "PoolStats", "DbError", "Out", "Session"]


class DbUnavailable(Exception):
    """No connection could be had in time (pool exhausted, database down)."""


class Actor(Protocol):
    """Who a transaction acts as: a user and the key of their session (services.accounts.SignedIn is one)."""
    user_id: int
    session_key: str


@dataclass(frozen=True)
class SessionActor:
    """An Actor from its two parts."""
    user_id: int
    session_key: str = ""


@dataclass(frozen=True)
class PoolStats:
    engine: str
    size: int
    in_use: int
    idle: int
    min: int
    max: int
    waiting: int

    def as_dict(self) -> dict:
        return {"engine": self.engine, "size": self.size, "in_use": self.in_use, "idle": self.idle,
                "min": self.min, "max": self.max, "waiting": self.waiting}


CallObserver = Callable[[str, float, bool], None]  # (procedure, seconds, ok)
T = TypeVar("T")


class TimedSession(Session):
    """A Session whose package calls report their latency to the gateway's observer."""

    observer: CallObserver | None = None

    def simple(self, sql: str) -> None:
        """Run literal SQL, possibly several statements, in one round trip (no binds: simple protocol)."""
        with self._cursor() as cur:
            cur.execute(sql)

    def call(self, procedure: str, *args: Any) -> tuple:
        if self.observer is None:
            return super().call(procedure, *args)
        t0 = time.perf_counter()
        ok = False
        try:
            result = super().call(procedure, *args)
            ok = True
            return result
        finally:
            self.observer(procedure, time.perf_counter() - t0, ok)

    def call_committed(self, user_id: int | None, key: str | None, procedure: str, *args: Any) -> tuple:
        if self.observer is None:
            return super().call_committed(user_id, key, procedure, *args)
        t0 = time.perf_counter()
        ok = False
        try:
            result = super().call_committed(user_id, key, procedure, *args)
            ok = True
            return result
        finally:
            self.observer(procedure, time.perf_counter() - t0, ok)

    def fn(self, function: str, *args: Any, returns: type = int) -> Any:
        if self.observer is None:
            return super().fn(function, *args, returns=returns)
        t0 = time.perf_counter()
        ok = False
        try:
            result = super().fn(function, *args, returns=returns)
            ok = True
            return result
        finally:
            self.observer(function, time.perf_counter() - t0, ok)


class Gateway:
    """A pool of sessions on one database and the transaction discipline of the API."""

    def __init__(self, url: str, *, min_size: int = 2, max_size: int = 10, timeout: float = 5.0,
                 statement_timeout_ms: int = 15000, observer: CallObserver | None = None,
                 schema: str | None = None):
        self.url = url
        self.engine = engine_of(url)
        # Oracle: the schema owner's name when the URL's user is the application user, which owns nothing
        self.schema_sql = current_schema_sql(schema) if schema and self.engine == "oracle" else None
        self.min_size, self.max_size, self.timeout = min_size, max_size, timeout
        self.statement_timeout_ms = statement_timeout_ms
        self.observer = observer
        self._pool: Any = None
        self._lock = threading.Lock()
        self._async_pool: Any = None  # PostgreSQL: the event loop's own pool for call_async (opened on first use)
        self._async_enabled = False   # only when open() made a real PostgreSQL pool (tests may plant stand-ins)

    # ---- lifecycle ---------------------------------------------------------------------------
    def open(self, wait: bool = False) -> "Gateway":
        with self._lock:
            if self._pool is not None:
                return self
            self._pool = self._open_pg() if self.engine == "postgresql" else self._open_oracle()
            self._async_enabled = self.engine == "postgresql"
        if wait and self.engine == "postgresql":
            self._pool.wait(timeout=self.timeout * 2)
        return self

    async def aclose(self) -> None:
        """Close the event loop's pool (call_async), from that loop; close() closes the rest."""
        pool, self._async_pool = self._async_pool, None
        if pool is not None:
            await pool.close()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _open_pg(self) -> Any:
        from psycopg_pool import ConnectionPool

        parts = urlsplit(self.url)
        conninfo = parts._replace(scheme="postgresql").geturl()
        timeout_ms = self.statement_timeout_ms

        def configure(conn: Any) -> None:  # connections rest in autocommit mode: see transaction()
            conn.execute(f"SET statement_timeout = {int(timeout_ms)}")
            conn.execute("SET TIME ZONE 'UTC'")

        return ConnectionPool(conninfo, min_size=self.min_size, max_size=self.max_size, timeout=self.timeout,
                              kwargs={"autocommit": True}, configure=configure, open=True,
                              name="ils-api", reconnect_timeout=60)

    async def _open_pg_async(self) -> Any:
        """The pool of call_async: psycopg's AsyncConnectionPool on the running event loop, configured as the
        thread pool's connections (autocommit, statement timeout, UTC). Both pools size by min/max."""
        from psycopg_pool import AsyncConnectionPool

        conninfo = urlsplit(self.url)._replace(scheme="postgresql").geturl()
        timeout_ms = self.statement_timeout_ms

        async def configure(conn: Any) -> None:
            await conn.execute(f"SET statement_timeout = {int(timeout_ms)}")
            await conn.execute("SET TIME ZONE 'UTC'")

        pool = AsyncConnectionPool(conninfo, min_size=min(self.min_size, self.max_size), max_size=self.max_size,
                                   timeout=self.timeout, kwargs={"autocommit": True}, configure=configure,
                                   open=False, name="ils-api-async", reconnect_timeout=60)
        await pool.open()
        return pool

    def _open_oracle(self) -> Any:
        oracledb = oracle_driver()

        parts = urlsplit(self.url)
        timeout_ms = self.statement_timeout_ms
        schema_sql = self.schema_sql

        def init_session(conn: Any, requested_tag: str) -> None:  # once per new connection
            with conn.cursor() as cur:
                cur.execute("ALTER SESSION SET TIME_ZONE = 'UTC'")
                if schema_sql:
                    cur.execute(schema_sql)
            conn.call_timeout = timeout_ms

        return oracledb.create_pool(
            user=unquote(parts.username or ""), password=unquote(parts.password or ""),
            dsn=f"{parts.hostname}:{parts.port or 1521}{parts.path}",
            min=self.min_size, max=self.max_size, increment=1,
            getmode=oracledb.POOLGETMODE_TIMEDWAIT, wait_timeout=int(self.timeout * 1000),
            session_callback=init_session, ping_interval=60)

    @property
    def pool(self) -> Any:
        if self._pool is None:
            self.open()
        return self._pool

    # ---- connections -------------------------------------------------------------------------
    @contextmanager
    def _connection(self) -> Iterator[Any]:
        pool = self.pool
        if self.engine == "postgresql":
            from psycopg_pool import PoolTimeout
            try:
                raw = pool.getconn(timeout=self.timeout)
            except PoolTimeout as exc:
                raise DbUnavailable(f"no database connection within {self.timeout}s") from exc
            try:
                yield raw
            finally:
                pool.putconn(raw)
        else:
            import oracledb
            try:
                raw = pool.acquire()
            except oracledb.Error as exc:
                raise DbUnavailable(f"no database connection: {exc}") from exc
            try:
                yield raw
            finally:
                pool.release(raw)

    def _session(self, raw: Any) -> TimedSession:
        s = TimedSession(raw, self.engine)
        s.observer = self.observer
        return s

    @contextmanager
    def transaction(self, actor: Actor | None) -> Iterator[Session]:
        """One transaction acting as `actor` (a user and their session key; None = system work):
        lib_session.set_actor first, which refuses an ended, expired or foreign session; commit on success,
        rollback on error; the actor cleared at the end on both engines (Oracle package state outlives the
        transaction, and a login sets an actor inside it).

        PostgreSQL connections stay in autocommit mode between units of work, so the transaction is
        opened and closed by hand: "BEGIN; CALL set_actor(n, 'key')" and "CALL clear_actor(); COMMIT" each
        go in one round trip (psycopg would otherwise send BEGIN on its own), 3 round trips for a one-call
        request instead of 5. Inside, it is an ordinary transaction (savepoints work)."""
        user_id, key = (None, None) if actor is None else (actor.user_id, actor.session_key)
        with self._connection() as raw:
            s = self._session(raw)
            try:
                if self.engine == "postgresql":
                    s.simple(f"BEGIN; CALL lib_session.set_actor({_sql_int(user_id)}, {_sql_key(key)})")
                    yield s
                    s.simple("CALL lib_session.clear_actor(); COMMIT")
                else:
                    s.set_actor(user_id, key)
                    yield s
                    s.clear_actor()
                    s.commit()
            except BaseException:
                _quiet_rollback(s)
                if self.engine == "oracle":
                    _quiet(s.clear_actor)
                raise

    def run(self, actor: Actor | None, routine: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A typed package call (datalayer.packages) in one round trip, as call(): its answer, typed.
            out = gw.run(user, lib_circulation.checkout_desk, patron_id, None, copy_id, None, None, "N", None, None)"""
        procedure, call_args, shape = prepared(routine, *args, **kwargs)
        out = self.call(actor, procedure, *call_args)
        return shape(*out) if shape is not None else None  # type: ignore[return-value]

    async def run_async(self, actor: Actor | None, routine: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """run() from an async handler (call_async: no worker thread on PostgreSQL)."""
        procedure, call_args, shape = prepared(routine, *args, **kwargs)
        out = await self.call_async(actor, procedure, *call_args)
        return shape(*out) if shape is not None else None  # type: ignore[return-value]

    def call(self, actor: Actor | None, procedure: str, *args: Any) -> tuple:
        """One package call in a transaction of its own acting as `actor`, sent in ONE round trip: the
        desk's hot path. Returns the OUT values (args as Session.call: Out(type) for each OUT parameter).

        PostgreSQL: pipeline mode (the extended protocol, every value a bind) sends BEGIN, set_actor, the
        call, clear_actor and COMMIT together and reads the answers once. A refusal stops the server at the
        failing statement (it skips the rest up to the pipeline's sync), so nothing is committed; the
        connection, left in the failed transaction, is rolled back before it returns to the pool.
        Oracle: one anonymous block does the same (set_actor, the call, clear_actor, COMMIT); a refusal
        undoes the block (statement-level rollback) and the package state is cleared as in transaction()."""
        user_id, key = (None, None) if actor is None else (actor.user_id, actor.session_key)
        with self._connection() as raw:
            s = self._session(raw)
            try:
                return s.call_committed(user_id, key, procedure, *args)
            except BaseException:
                _quiet_rollback(s)
                if self.engine == "oracle":
                    _quiet(s.clear_actor)
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work in one transaction: no actor, rolled back at the end."""
        with self._connection() as raw, _implicit_transactions(raw, self.engine):
            s = self._session(raw)
            try:
                yield s
            finally:
                _quiet_rollback(s)

    @contextmanager
    def autonomous(self) -> Iterator[Session]:
        """A unit of work committed on its own even if the request then fails (failed-login counts)."""
        with self._connection() as raw, _implicit_transactions(raw, self.engine):
            s = self._session(raw)
            try:
                yield s
                s.commit()
            except BaseException:
                _quiet_rollback(s)
                raise

    @contextmanager
    def statements(self) -> Iterator[Session]:
        """Reads without a transaction around them (PostgreSQL autocommit: no BEGIN/ROLLBACK round trips,
        prepared statements kept); each statement sees its own snapshot. Oracle: as read()."""
        if self.engine != "postgresql":
            with self.read() as s:
                yield s
            return
        with self._connection() as raw:
            yield self._session(raw)

    # ---- from async handlers: the unit of work in one worker thread (one hop off the event loop) ---------
    async def transact(self, actor: Actor | None, work: Callable[[Session], T]) -> T:
        """Run work(session) in transaction(actor) on a worker thread and return its result."""
        import anyio.to_thread

        def run() -> T:
            with self.transaction(actor) as s:
                return work(s)
        return await anyio.to_thread.run_sync(run)

    async def call_async(self, actor: Actor | None, procedure: str, *args: Any) -> tuple:
        """call() from an async handler. PostgreSQL: awaited on the event loop through the AsyncConnectionPool
        (no hop to a worker thread: the profile of a desk request showed the hand-off to the thread and
        back as a quarter of the worker's CPU); Oracle: call() on a worker thread."""
        if not self._async_enabled:
            import anyio.to_thread
            return await anyio.to_thread.run_sync(lambda: self.call(actor, procedure, *args))
        from psycopg_pool import PoolTimeout

        if self._async_pool is None:
            pool = await self._open_pg_async()
            if self._async_pool is None:
                self._async_pool = pool
            else:  # another request opened it meanwhile
                await pool.close()
        user_id, key = (None, None) if actor is None else (actor.user_id, actor.session_key)
        try:
            raw = await self._async_pool.getconn(timeout=self.timeout)
        except PoolTimeout as exc:
            raise DbUnavailable(f"no database connection within {self.timeout}s") from exc
        t0 = time.perf_counter()
        ok = False
        try:
            result = await call_committed_async(raw, user_id, key, procedure, *args)
            ok = True
            return result
        except BaseException:
            try:
                await raw.rollback()
            except Exception:  # the connection is broken; the pool discards it
                pass
            raise
        finally:
            if self.observer is not None:  # as TimedSession: the round trip, not the wait for a connection
                self.observer(procedure, time.perf_counter() - t0, ok)
            await self._async_pool.putconn(raw)

    async def query(self, work: Callable[[Session], T]) -> T:
        """Run work(session) in statements() on a worker thread and return its result."""
        import anyio.to_thread

        def run() -> T:
            with self.statements() as s:
                return work(s)
        return await anyio.to_thread.run_sync(run)

    # ---- observability -----------------------------------------------------------------------
    def stats(self) -> PoolStats:
        pool = self._pool
        if pool is None:
            return PoolStats(self.engine, 0, 0, 0, self.min_size, self.max_size, 0)
        if self.engine == "postgresql":
            st = pool.get_stats()
            size = st.get("pool_size", 0)
            idle = st.get("pool_available", 0)
            return PoolStats(self.engine, size, max(size - idle, 0), idle, st.get("pool_min", self.min_size),
                             st.get("pool_max", self.max_size), st.get("requests_waiting", 0))
        return PoolStats(self.engine, pool.opened, pool.busy, max(pool.opened - pool.busy, 0), pool.min,
                         pool.max, 0)

    def ping(self) -> float:
        """A live round trip; returns its latency in milliseconds."""
        t0 = time.perf_counter()
        with self.read() as s:
            s.scalar("SELECT 1 FROM dual" if self.engine == "oracle" else "SELECT 1")
        return (time.perf_counter() - t0) * 1000.0

    def error_catalog(self) -> dict[int, tuple[str, int, str]]:
        """app_errors as {code: (name, http_status, message)}."""
        with self.read() as s:
            rows = s.rows("SELECT error_code, name, http_status, message FROM app_errors")
        return {int(r["error_code"]): (r["name"], int(r["http_status"]), r["message"]) for r in rows}


class _Recorder:
    """Stands in for a Session to learn which call a typed package function makes, without making it."""

    def __init__(self) -> None:
        self.request: tuple[str, tuple] | None = None

    def call(self, procedure: str, *args: Any) -> tuple:
        self.request = (procedure, args)
        return tuple(None for a in args if isinstance(a, Out))

    def fn(self, function: str, *args: Any, returns: type = int) -> Any:
        raise TypeError(f"{function} is a function: read it in a transaction, not as a committed call")


def prepared(routine: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, tuple, type | None]:
    """(procedure, its arguments with Out() markers, the NamedTuple of its answer or None) of a typed
    package call (datalayer.packages), so that the gateway can send it in one round trip."""
    recorder = _Recorder()
    shape = routine(recorder, *args, **kwargs)
    if recorder.request is None:
        raise TypeError(f"{routine!r} made no package call")
    return recorder.request[0], recorder.request[1], type(shape) if shape is not None else None


def run_guarded(s: Session, routine: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A typed package call (datalayer.packages) in the session's transaction whose failure undoes only
    itself (Session.call_guarded: a savepoint, one round trip on PostgreSQL): its answer, typed."""
    procedure, call_args, shape = prepared(routine, *args, **kwargs)
    out = s.call_guarded(procedure, *call_args)
    return shape(*out) if shape is not None else None  # type: ignore[return-value]


def run_guarded_many(s: Session, routine: Callable[..., T], arg_lists: list[tuple]) -> list[T | DbError]:
    """run_guarded for each argument tuple (Session.call_guarded_many: one pipeline on PostgreSQL while the
    calls succeed): each call's typed answer, or the DbError that undid it."""
    if not arg_lists:
        return []
    prepared_calls = [prepared(routine, *args) for args in arg_lists]
    procedure, shape = prepared_calls[0][0], prepared_calls[0][2]
    outs = s.call_guarded_many(procedure, [call_args for _, call_args, _ in prepared_calls])
    return [o if isinstance(o, DbError) else (shape(*o) if shape is not None else None)  # type: ignore[misc]
            for o in outs]


def _sql_int(value: int | None) -> str:
    return "NULL" if value is None else str(int(value))


_KEY = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _sql_key(key: str | None) -> str:
    """A session key as a literal of the simple-protocol BEGIN: keys are URL-safe base64, so anything else
    is no key at all and set_actor refuses it as such (no quoting to get wrong)."""
    if not key:
        return "NULL"
    return f"'{key}'" if _KEY.fullmatch(key) else "'-'"


@contextmanager
def _implicit_transactions(raw: Any, engine: str) -> Iterator[None]:
    """PostgreSQL: psycopg's own transaction handling (BEGIN before the first statement) for the block."""
    if engine != "postgresql":
        yield
        return
    raw.autocommit = False
    try:
        yield
    finally:
        try:
            raw.autocommit = True
        except Exception:  # still in a transaction the rollback could not end: never reuse it
            _quiet(raw.close)  # the pool discards a closed connection


def _quiet(fn: Callable[[], Any]) -> None:
    try:
        fn()
    except Exception:  # the connection is broken; the pool discards it
        pass


def _quiet_rollback(s: Session) -> None:
    _quiet(s.rollback)
