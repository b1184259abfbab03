"""A connection that dies under a request is a 503 DB_UNAVAILABLE with Retry-After, never a 500: on PostgreSQL
the server's own shutdown and connection errors (57P01-57P03, 08000, 08003, 08006) and psycopg's "server closed
the connection" (no SQLSTATE), on Oracle ORA-03113, ORA-03114, ORA-03135 and the driver's DPY-4011.

Real driver error objects are raised at the driver boundary (stand-ins for the pooled connection, as in
test_gateway_oracle_errors.py), and on PostgreSQL a real server connection is terminated mid-request."""
from __future__ import annotations

import contextlib
import dataclasses
import threading
from typing import Any

import httpx
import psycopg
import psycopg.errors
import pytest
from oracledb import errors as ora_errors

from datalayer.errors import ErrorCatalog
from datalayer.gateway import Gateway
from datalayer.session import CONNECTION_LOST, DbError, connect
from server.main import create_app
from tests.api.conftest import LiveServer, error_code
from tests.api.test_gateway_oracle_errors import ACTOR, OracleStandIn, oracle_gateway, server_error
from tests.sessions import terminate_when_waiting

NON_CATALOG = ErrorCatalog({})
PG_STATES = ("57P01", "57P02", "57P03", "08000", "08003", "08006")


def pg_server_error(state: str) -> psycopg.Error:
    """The exception psycopg raises for a server error of that SQLSTATE (errors.lookup gives its class)."""
    return psycopg.errors.lookup(state)(f"server error {state}")


def pg_closed() -> psycopg.Error:
    """What psycopg raises when the socket closes under a query: no SQLSTATE."""
    return psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly")


def ora_closed() -> Exception:
    """The thin driver's own error when the network or the database closed the connection."""
    return ora_errors._create_exception(ora_errors.ERR_CONNECTION_CLOSED)


ORACLE = {"ORA-03113": lambda: server_error(3113, "ORA-03113: end-of-file on communication channel"),
          "ORA-03114": lambda: server_error(3114, "ORA-03114: not connected to ORACLE"),
          "ORA-03135": lambda: server_error(3135, "ORA-03135: connection lost contact"),
          "DPY-4011": ora_closed}


# ---- a PostgreSQL stand-in: the pooled connection whose CALL of one procedure raises -------------------

class _PgCursor:
    def __init__(self, conn: "PgStandIn"):
        self.conn = conn
        self.rows: list[tuple] = []
        self.description: list[tuple] | None = None

    def execute(self, sql: str, params: Any = None) -> None:
        if self.conn.failure is not None and self.conn.procedure in sql:
            raise self.conn.failure
        # the API's session check: the token's session is live (as the Oracle stand-in answers it)
        self.rows = [(1,)] if "user_sessions" in sql else []
        self.description = [("session_id",)] if self.rows else None

    def fetchone(self) -> tuple:
        return (None,)

    def fetchall(self) -> list[tuple]:
        return self.rows

    def close(self) -> None:
        pass


class PgStandIn:
    autocommit = True

    def __init__(self):
        self.procedure, self.failure = "", None

    def fail(self, procedure: str, error: Exception) -> None:
        self.procedure, self.failure = procedure, error

    def cursor(self) -> _PgCursor:
        return _PgCursor(self)

    def pipeline(self) -> contextlib.nullcontext:  # Gateway.call's one round trip
        return contextlib.nullcontext()

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass


class _PgPool:
    def __init__(self, conn: PgStandIn):
        self.conn = conn

    def getconn(self, timeout: float | None = None) -> PgStandIn:
        return self.conn

    def putconn(self, conn: PgStandIn) -> None:
        pass

    def get_stats(self) -> dict:
        return {}

    def close(self) -> None:
        pass


def pg_gateway(conn: PgStandIn) -> Gateway:
    gw = Gateway("postgresql://ils@db.invalid:5432/ils")
    gw._pool = _PgPool(conn)
    return gw


# ---- the mapping ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("error", [*(lambda s=s: pg_server_error(s) for s in PG_STATES), pg_closed],
                         ids=[*PG_STATES, "psycopg-closed"])
def test_postgres_connection_errors_become_db_unavailable(error):
    gw = pg_gateway(conn := PgStandIn())
    conn.fail("lib_circulation.renew", error())
    with pytest.raises(DbError) as err:
        with gw.transaction(actor=ACTOR) as s:
            s.call("lib_circulation.renew", 9001)
    assert err.value.code is None and err.value.sqlstate in CONNECTION_LOST
    assert NON_CATALOG.resolve(err.value)[:2] == (503, "DB_UNAVAILABLE")


@pytest.mark.parametrize("state", ORACLE)
def test_oracle_connection_errors_become_db_unavailable(state):
    conn = OracleStandIn()
    conn.fail("lib_circulation.renew", ORACLE[state]())
    with pytest.raises(DbError) as err:
        with oracle_gateway(conn).transaction(actor=ACTOR) as s:
            s.call("lib_circulation.renew", 9001)
    assert [c for c, _ in conn.calls].count("lib_circulation.renew") == 1  # not retried
    assert err.value.sqlstate == state
    assert NON_CATALOG.resolve(err.value)[:2] == (503, "DB_UNAVAILABLE")


# ---- over HTTP ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def standin_apis(api_settings):
    settings = dataclasses.replace(api_settings, metrics_enabled=False)
    pg, ora = PgStandIn(), OracleStandIn()
    with LiveServer(create_app(settings, gateway=pg_gateway(pg))) as pg_server, \
            LiveServer(create_app(settings, gateway=oracle_gateway(ora))) as ora_server:
        yield {"postgresql": (pg_server, pg), "oracle": (ora_server, ora)}


@pytest.mark.parametrize("kind, make", [*(("postgresql", lambda s=s: pg_server_error(s)) for s in PG_STATES),
                                          ("postgresql", pg_closed), *(("oracle", m) for m in ORACLE.values())],
                         ids=[*PG_STATES, "psycopg-closed", *ORACLE])
def test_api_answers_a_lost_connection_with_503_and_retry_after(standin_apis, staff, kind, make):
    server, conn = standin_apis[kind]
    conn.fail("lib_circulation.renew_desk", make())  # the procedure the route calls
    r = httpx.post(f"{server.url}/api/circulation/renew", json={"loan_id": 9001}, headers=staff["LIBRARIAN"].headers)
    assert r.status_code == 503 and error_code(r) == "DB_UNAVAILABLE"
    assert int(r.headers["Retry-After"]) > 0


# ---- a real PostgreSQL connection terminated mid-request --------------------------------------------------

@pytest.mark.postgres_only
def test_a_connection_terminated_mid_request_is_a_503_and_the_next_request_works(client, staff, people, arrange,
                                                                                  installed_db):
    p = people.make("PATRON")
    copy = arrange.copy()
    holder = connect(installed_db)  # holds the copy's row lock: the checkout waits inside the package
    holder.scalar("SELECT copy_id FROM copies WHERE copy_id = :c FOR UPDATE", {"c": copy})
    answer: list[httpx.Response] = []
    request = threading.Thread(target=lambda: answer.append(client.post(
        "/api/circulation/checkout", json={"patron_id": p.patron_id, "copy_id": copy},
        headers=staff["LIBRARIAN"].headers)))
    request.start()
    try:
        terminate_when_waiting(installed_db, "lib_circulation.checkout")
        request.join(timeout=30)
    finally:
        holder.rollback()
        holder.close()
    r = answer[0]
    assert r.status_code == 503 and error_code(r) == "DB_UNAVAILABLE" and int(r.headers["Retry-After"]) > 0
    assert arrange.scalar("SELECT status FROM copies WHERE copy_id = :c", {"c": copy}) == "AVAILABLE"
    again = client.post("/api/circulation/checkout", json={"patron_id": p.patron_id, "copy_id": copy},
                        headers=staff["LIBRARIAN"].headers)
    assert again.status_code == 201, again.text
