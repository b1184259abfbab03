"""The gateway's Oracle path against Oracle's own errors: a call is run once more when the session's package
state was discarded by a recompile (ORA-04068 and the errors that come with it), ORA-06502 is a 422 and a
call timeout (ORA-01013, DPY-4024) a 503, as their PostgreSQL equivalents are.

No Oracle server is needed: a stand-in for python-oracledb's pool, connection and cursor raises real
`oracledb` exceptions, built as the thin driver builds a server error (`errors._Error(message, code=...,
offset=...)`, raised as its `exc_type`) or its own call-timeout error, so everything above the driver (the
Session, the Gateway's Oracle transaction, the error mapping, the HTTP answer) is the real code."""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from typing import Any

import httpx
import oracledb
import pytest
from oracledb import errors as ora_errors

from datalayer.errors import ErrorCatalog
from datalayer.gateway import Gateway, SessionActor
from datalayer.session import DbError, Out
from server.main import create_app
from tests.api.conftest import LiveServer

NON_CATALOG = ErrorCatalog({})
DUE = datetime(2030, 1, 15, 23, 59, 59)
ACTOR = SessionActor(42, "k" * 43)


def server_error(code: int, message: str) -> oracledb.DatabaseError:
    """An ORA-nnnnn error as the thin driver raises it (Message._check_and_raise_exception)."""
    err = ora_errors._Error(message, code=code, offset=0)
    return err.exc_type(err)


def discarded(code: int = 4068) -> oracledb.DatabaseError:
    stack = {4068: "ORA-04068: existing state of packages has been discarded",
             4061: 'ORA-04061: existing state of package body "ILS.LIB_CIRCULATION" has been invalidated',
             4065: 'ORA-04065: not executed, altered or dropped package body "ILS.LIB_CIRCULATION"',
             6508: 'ORA-06508: PL/SQL: could not find program unit being called: "ILS.LIB_CIRCULATION"'}
    lines = [stack[code]] + [text for c, text in stack.items() if c != code] + ["ORA-06512: at line 1"]
    return server_error(code, "\n".join(lines))


def buffer_too_small() -> oracledb.DatabaseError:
    return server_error(6502, "ORA-06502: PL/SQL: numeric or value error: character string buffer too small\n"
                              'ORA-06512: at "ILS.LIB_CIRCULATION", line 212')


def cancelled() -> oracledb.DatabaseError:
    return server_error(1013, "ORA-01013: user requested cancel of current operation")


def call_timeout() -> oracledb.DatabaseError:
    """What thin mode raises when conn.call_timeout expires (after its break and reset)."""
    return ora_errors._create_exception(ora_errors.ERR_CALL_TIMEOUT_EXCEEDED, timeout=15000)


# ---- the stand-in driver -----------------------------------------------------------------------------

class _Var:
    def __init__(self, db_type: Any):
        # a date, no text (no override named), else 1
        self.value = DUE if db_type is oracledb.DB_TYPE_DATE else None if db_type is oracledb.DB_TYPE_VARCHAR else 1

    def getvalue(self) -> Any:
        return self.value


class _Cursor:
    def __init__(self, conn: "OracleStandIn"):
        self.conn = conn
        self.description = None

    def var(self, db_type: Any) -> _Var:
        return _Var(db_type)

    def callproc(self, name: str, params: list) -> None:
        self.conn.calls.append((name, [p for p in params if not isinstance(p, _Var)]))
        pending = self.conn.failures.get(name)
        if pending:
            raise pending.pop(0)

    def execute(self, sql: str, binds: Any = None) -> None:
        block = re.match(r"BEGIN lib_session\.set_actor\(:u_, :k_\); ([\w.]+)\(", sql)
        if block:  # Gateway.call's one round trip: set_actor, the call, clear_actor and COMMIT in one block
            self.callproc("lib_session.set_actor", [binds["u_"], binds["k_"]])
            self.callproc(block.group(1), [v for k, v in binds.items() if re.fullmatch(r"a\d+", k)])
            self.callproc("lib_session.clear_actor", [])
            self.conn.commits += 1
            return
        # the error catalog read at start-up: no rows; the API's session check: the token's session is live
        self.rows = [(1,)] if "user_sessions" in sql else []
        self.description = [("SESSION_ID",)] if self.rows else None

    def fetchall(self) -> list:
        return self.rows

    def close(self) -> None:
        pass


class OracleStandIn:
    """One pooled Oracle connection: records the package calls and raises the failures queued per procedure."""

    def __init__(self):
        self.calls: list[tuple[str, list]] = []
        self.failures: dict[str, list[Exception]] = {}
        self.commits = self.rollbacks = 0

    def fail(self, procedure: str, *errors: Exception) -> None:
        self.calls.clear()
        self.failures = {procedure: list(errors)}

    def cursor(self) -> _Cursor:
        return _Cursor(self)

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        self.rollbacks += 1


class _Pool:
    opened = busy = 1
    min = max = 1

    def __init__(self, conn: OracleStandIn):
        self.conn = conn

    def acquire(self) -> OracleStandIn:
        return self.conn

    def release(self, raw: OracleStandIn) -> None:
        pass

    def close(self) -> None:
        pass


def oracle_gateway(conn: OracleStandIn) -> Gateway:
    gw = Gateway("oracle+oracledb://ils:secret@db.invalid:1521/FREEPDB1")
    gw._pool = _Pool(conn)  # open() keeps a pool it already has
    return gw


# ---- the gateway ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [4068, 4061, 4065, 6508])
def test_call_is_run_once_more_with_the_actor_set_again_when_package_state_was_discarded(code):
    conn = OracleStandIn()
    conn.fail("lib_circulation.renew", discarded(code))
    with oracle_gateway(conn).transaction(actor=ACTOR) as s:
        due_at, renewals = s.call("lib_circulation.renew", 9001, Out(datetime), Out(int))
    assert (due_at, renewals) == (DUE, 1)
    assert conn.calls == [("lib_session.set_actor", [42, ACTOR.session_key]), ("lib_circulation.renew", [9001]),
                          ("lib_session.set_actor", [42, ACTOR.session_key]), ("lib_circulation.renew", [9001]),
                          ("lib_session.clear_actor", [])]
    assert (conn.commits, conn.rollbacks) == (1, 0)


def test_package_state_discarded_twice_is_a_503_after_one_retry():
    conn = OracleStandIn()
    conn.fail("lib_circulation.renew", discarded(), discarded())
    with pytest.raises(DbError) as err:
        with oracle_gateway(conn).transaction(actor=ACTOR) as s:
            s.call("lib_circulation.renew", 9001, Out(datetime), Out(int))
    assert [c for c, _ in conn.calls].count("lib_circulation.renew") == 2
    assert err.value.code is None and err.value.sqlstate == "ORA-04068"
    assert NON_CATALOG.resolve(err.value)[:2] == (503, "DB_UNAVAILABLE")
    assert (conn.commits, conn.rollbacks) == (0, 1)


@pytest.mark.parametrize("error, state, postgres_state, status, name", [
    (buffer_too_small, "ORA-06502", "22001", 422, "INVALID_ARGUMENT"),
    (cancelled, "ORA-01013", "57014", 503, "DB_TIMEOUT"),
    (call_timeout, "DPY-4024", "57014", 503, "DB_TIMEOUT"),
], ids=["ORA-06502", "ORA-01013", "DPY-4024"])
def test_oracle_errors_are_not_retried_and_map_as_their_postgres_equivalents(error, state, postgres_state, status,
                                                                             name):
    conn = OracleStandIn()
    conn.fail("lib_circulation.renew", error())
    with pytest.raises(DbError) as err:
        with oracle_gateway(conn).transaction(actor=ACTOR) as s:
            s.call("lib_circulation.renew", 9001, Out(datetime), Out(int))
    assert [c for c, _ in conn.calls].count("lib_circulation.renew") == 1
    assert err.value.sqlstate == state
    assert NON_CATALOG.resolve(err.value)[:2] == NON_CATALOG.resolve(DbError(None, "pg", postgres_state))[:2] \
        == (status, name)


# ---- over HTTP ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def oracle_api(api_settings):
    conn = OracleStandIn()
    settings = dataclasses.replace(api_settings, metrics_enabled=False)
    with LiveServer(create_app(settings, gateway=oracle_gateway(conn))) as server:
        yield server, conn


@pytest.mark.parametrize("errors, status, code", [
    ((discarded(),), 200, None),
    ((discarded(), discarded()), 503, "DB_UNAVAILABLE"),
    ((buffer_too_small(),), 422, "INVALID_ARGUMENT"),
    ((cancelled(),), 503, "DB_TIMEOUT"),
    ((call_timeout(),), 503, "DB_TIMEOUT"),
], ids=["retried", "discarded-twice", "ORA-06502", "ORA-01013", "DPY-4024"])
def test_api_answers_oracle_errors_in_the_contract_shape(oracle_api, staff, errors, status, code):
    server, conn = oracle_api
    conn.fail("lib_circulation.renew_desk", *errors)  # the procedure the route calls
    r = httpx.post(f"{server.url}/api/circulation/renew", json={"loan_id": 9001}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == status, r.text
    if code is None:
        # every OUT value is the stand-in's: loan 1, its due date, 1 renewal, no override
        assert r.json() == {"loan_id": 1, "due_at": "2030-01-15T23:59:59Z", "renewals": 1, "overridden": []}
    else:
        assert r.json()["error"]["code"] == code and r.json()["error"]["db_code"] is None
