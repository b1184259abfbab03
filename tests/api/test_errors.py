"""The one error mapping: catalog codes from both engines, non-catalog database errors, the error shape."""
from __future__ import annotations

from datalayer.errors import ErrorCatalog
from datalayer.session import DbError, _ora_error, _pg_error

CATALOG = ErrorCatalog({-20104: ("COPY_NOT_AVAILABLE", 409, "The copy is not available for checkout."),
                        -20407: ("ACCOUNT_LOCKED", 423, "The account is locked.")})


class _PgDiag:
    message_primary = "The copy is not available for checkout. copy 7"


class _PgError(Exception):
    sqlstate = "45104"
    diag = _PgDiag()


class _OraErr:
    code = 20104
    message = "ORA-20104: The copy is not available for checkout. copy 7\nORA-06512: at \"ILS.LIB_ERR\", line 12"


def test_postgres_and_oracle_errors_map_to_the_same_code():
    pg, ora = _pg_error(_PgError()), _ora_error(Exception(_OraErr()))
    assert pg.code == ora.code == -20104
    assert pg.message == ora.message == "The copy is not available for checkout. copy 7"
    assert CATALOG.resolve(pg) == CATALOG.resolve(ora) == (409, "COPY_NOT_AVAILABLE", pg.message)


def test_catalog_status_and_name():
    assert CATALOG.resolve(DbError(-20407, "locked"))[:2] == (423, "ACCOUNT_LOCKED")


def test_non_catalog_errors_map_by_class():
    assert CATALOG.resolve(DbError(None, "dup", "23505"))[:2] == (409, "CONFLICT")
    assert CATALOG.resolve(DbError(None, "fk", "ORA-02291"))[:2] == (409, "CONSTRAINT_VIOLATION")
    for state in ("23502", "23514", "ORA-01400", "ORA-01407", "ORA-02290"):  # '' is NULL on Oracle only
        assert CATALOG.resolve(DbError(None, "blank", state))[:2] == (422, "INVALID_ARGUMENT"), state
    assert CATALOG.resolve(DbError(None, "too big", "22003"))[:2] == (422, "INVALID_ARGUMENT")
    assert CATALOG.resolve(DbError(None, "deadlock", "40P01"))[:2] == (409, "CONCURRENT_UPDATE")
    assert CATALOG.resolve(DbError(None, "timeout", "57014"))[:2] == (503, "DB_TIMEOUT")
    assert CATALOG.resolve(DbError(None, "boom", "XX000"))[:2] == (500, "DB_ERROR")


def test_unknown_catalog_code_asks_for_a_reload_once_in_a_while():
    c = ErrorCatalog({})
    assert c.wants_reload(DbError(-20999, "new"))
    assert not c.wants_reload(DbError(None, "other"))


def test_register_honours_a_raised_password_minimum(api_settings, installed_db):
    import dataclasses

    import httpx

    from server.main import create_app
    from tests.api.conftest import LiveServer, snapshot
    from tests.factories import unique

    settings = dataclasses.replace(api_settings, password_min_length=12, pool_min=1, pool_max=2)
    before = snapshot(installed_db, "users")
    with LiveServer(create_app(settings)) as server:
        name = unique("pw").lower()
        r = httpx.post(f"{server.url}/api/auth/register", json={"username": name, "password": "elevenchars",
                                                                "full_name": "A B", "email": f"{name}@example.org"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert snapshot(installed_db, "users") == before


def test_pool_exhausted_is_503_db_unavailable(api_settings):
    import dataclasses
    import threading

    import httpx

    from server.main import create_app
    from tests.api.conftest import LiveServer

    settings = dataclasses.replace(api_settings, pool_min=1, pool_max=1, pool_timeout_s=0.3)
    app = create_app(settings)
    with LiveServer(app) as server:
        gw = app.state.gateway
        taken, release = threading.Event(), threading.Event()

        def hold():
            with gw.read():
                taken.set()
                release.wait(10)
        t = threading.Thread(target=hold)
        t.start()
        try:
            assert taken.wait(5)
            r = httpx.get(f"{server.url}/api/branches")
            assert r.status_code == 503 and r.json()["error"]["code"] == "DB_UNAVAILABLE"
            assert r.headers["Retry-After"] == "5"
            assert gw.stats().in_use == 1
        finally:
            release.set()
            t.join()
        assert httpx.get(f"{server.url}/api/branches").status_code == 200
