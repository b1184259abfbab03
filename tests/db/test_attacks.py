"""Attacks with the product's own credentials: each one is tried as the application role (the account the API
and the staff UI connect as; tests/sessions.py) and must be refused by the database for lack of privilege.
The tables and triggers come from the data dictionary, so a new one is attacked too. The statements run
unchanged on Oracle, as the application user in the owner's schema, except where marked PostgreSQL-only.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from datalayer.session import DbError, Out, Session
from tests.factories import Factory, unique

# PostgreSQL: insufficient_privilege. Oracle: insufficient privileges, no such table or view (an object
# the user may not alter), no such trigger, and PL/SQL that names what the user may not call.
PG_REFUSED = {"42501"}
ORA_REFUSED = {"ORA-01031", "ORA-00942", "ORA-04080", "ORA-06550"}


def refused(s: Session, sql: str, binds: dict | None = None) -> DbError:
    """Run `sql` as the application role: it must fail for lack of privilege. The transaction is rolled
    back afterwards, whatever happened (on Oracle DDL commits anyway: there is nothing to keep)."""
    try:
        with pytest.raises(DbError) as err:
            s.execute(sql, binds)
    finally:
        s.rollback()
    assert err.value.code is None, f"{sql}: refused as a business rule, not for lack of privilege"
    assert err.value.sqlstate in (PG_REFUSED if s.engine == "postgresql" else ORA_REFUSED), \
        f"{sql}: {err.value.sqlstate} {err.value.message}"
    return err.value


def all_refused(s: Session, statements: list[str]) -> None:
    """Every statement refused; the failure lists all that were not, not only the first."""
    accepted = []
    for sql in statements:
        try:
            refused(s, sql)
        except AssertionError as e:  # refused, but not for lack of privilege
            accepted.append(str(e).splitlines()[0])
        except pytest.fail.Exception:  # pytest.raises: it ran
            accepted.append(f"{sql}: accepted")
    assert accepted == [], "\n".join(accepted)


def tables(db: Session) -> list[str]:
    """Every table of the schema, read as the owner."""
    if db.engine == "postgresql":
        sql = ("SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
               "AND c.relkind IN ('r', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE "
               "d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1")
    else:
        sql = ("SELECT table_name AS name FROM user_tables WHERE secondary = 'N' AND COALESCE(dropped, 'NO') = 'NO' "
               "AND nested = 'NO' ORDER BY 1")
    names = [r["name"].lower() for r in db.rows(sql)]
    assert {"audit_log", "loans", "users", "app_settings"} <= set(names)
    return names


def triggers(db: Session) -> list[tuple[str, str]]:
    """(table, trigger) of every trigger, read as the owner."""
    if db.engine == "postgresql":
        sql = "SELECT tgrelid::regclass::text AS tab, tgname AS trg FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"
    else:
        sql = "SELECT table_name AS tab, trigger_name AS trg FROM user_triggers ORDER BY 1, 2"
    found = [(r["tab"].lower(), r["trg"].lower()) for r in db.rows(sql)]
    assert ("audit_log", "audit_log_append_only_trg") in found
    return found


def first_column(db: Session, table: str) -> str:
    cur = db.raw.cursor()
    try:
        cur.execute(f"SELECT * FROM {table} WHERE 1 = 0")
        return cur.description[0][0].lower()
    finally:
        cur.close()


def test_the_attacker_is_the_application_role(app_db, db):
    if app_db.engine == "postgresql":
        assert app_db.scalar("SELECT current_user") == "ils_app"
        assert app_db.scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is False
    else:
        assert app_db.scalar("SELECT USER FROM dual") != db.scalar("SELECT USER FROM dual")
    assert app_db.scalar("SELECT COUNT(*) FROM app_settings") > 0  # it reads the owner's tables


def test_truncate_is_refused_on_every_table(app_db, db):
    all_refused(app_db, [f"TRUNCATE TABLE {t}" for t in tables(db)])


def test_insert_update_delete_are_refused_on_every_table(app_db, db):
    statements = []
    for t in tables(db):
        column = first_column(db, t)
        # the first column only: a generated column (search_documents.document) refuses any value before
        # the privilege check would
        statements += [f"INSERT INTO {t} ({column}) SELECT {column} FROM {t} WHERE 1 = 0",
                       f"UPDATE {t} SET {column} = {column}",
                       f"DELETE FROM {t}"]
    all_refused(app_db, statements)


def test_rows_and_tables_cannot_be_locked_against_the_desks(app_db, db):
    all_refused(app_db, [f"SELECT * FROM {t} FOR UPDATE" for t in ("loans", "copies", "patrons", "audit_log")]
                + [f"LOCK TABLE {t} IN EXCLUSIVE MODE" for t in ("loans", "copies", "audit_log")])


def test_a_forged_back_dated_audit_row_in_another_users_name_is_refused(app_db, db):
    director = db.scalar("SELECT MIN(user_id) FROM users") or 1  # whoever: the row must not get in at all
    forged = {"at": datetime(2020, 1, 6, 9, 30), "actor": director, "old": "amount=100.00"}
    refused(app_db, "INSERT INTO audit_log (occurred_at, actor_user_id, table_name, row_id, action, old_values, "
                    "new_values) VALUES (:at, :actor, 'fines', NULL, 'DELETE', :old, NULL)", forged)
    assert db.scalar("SELECT COUNT(*) FROM audit_log WHERE occurred_at = :at", {"at": forged["at"]}) == 0


def test_triggers_cannot_be_disabled_or_dropped(app_db, db):
    found = triggers(db)
    if app_db.engine == "postgresql":
        statements = [f"ALTER TABLE {t} DISABLE TRIGGER {g}" for t, g in found]
        statements += [f"ALTER TABLE {t} DISABLE TRIGGER ALL" for t in sorted({t for t, _ in found})]
        statements += [f"DROP TRIGGER {g} ON {t}" for t, g in found]
    else:
        statements = [f"ALTER TRIGGER {g} DISABLE" for _, g in found]
        statements += [f"ALTER TABLE {t} DISABLE ALL TRIGGERS" for t in sorted({t for t, _ in found})]
        statements += [f"DROP TRIGGER {g}" for _, g in found]
    all_refused(app_db, statements)


@pytest.mark.postgres_only
def test_the_replication_role_that_skips_triggers_and_foreign_keys_cannot_be_set(app_db):
    all_refused(app_db, ["SET session_replication_role = replica", "SET LOCAL session_replication_role = replica"])


def test_a_body_private_routine_cannot_be_called(app_db):
    # lib_auth.setting_number is declared only in lib_auth's body (on PostgreSQL an ordinary function)
    with pytest.raises(DbError) as err:
        app_db.fn("lib_auth.setting_number", "MAX_FAILED_LOGINS", 5)
    app_db.rollback()
    assert err.value.code is None
    assert err.value.sqlstate in (PG_REFUSED if app_db.engine == "postgresql" else ORA_REFUSED), err.value.message


# The entry points of the other packages that check no permission (the caller has): in @internal packages,
# so the application cannot charge fines (for any as-of date) or fulfil, trap or release holds by itself.
INTERNAL_CALLS = [
    ("lib_fines_core.accrue_overdue", lambda: (datetime(2099, 1, 1), Out(int))),
    ("lib_fines_core.charge_overdue", lambda: (1, datetime(2099, 1, 1), Out(int), Out(Decimal))),
    ("lib_fines_core.charge_lost", lambda: (1, Out(int))),
    ("lib_fines_core.settle_lost_return", lambda: (1, Out(Decimal))),
    ("lib_holds_core.on_checkout", lambda: (1, 1, 1)),
    ("lib_holds_core.on_checkin", lambda: (1, 1, Out(int))),
    ("lib_holds_core.release_copy", lambda: (1,)),
    ("lib_holds_core.pass_on", lambda: (1, 1)),
    ("lib_holds_core.lock_copy", lambda: (1, 1)),
    ("lib_notices_core.queue", lambda: ("HOLD_READY", 1, 1, None, 1)),
]


@pytest.mark.parametrize("routine,args", INTERNAL_CALLS, ids=[r for r, _ in INTERNAL_CALLS])
def test_an_internal_entry_point_cannot_be_called(app_db, routine, args):
    with pytest.raises(DbError) as err:
        app_db.call(routine, *args())
    app_db.rollback()
    assert err.value.code is None
    assert err.value.sqlstate in (PG_REFUSED if app_db.engine == "postgresql" else ORA_REFUSED), err.value.message


def test_internal_functions_cannot_be_called(app_db):
    for routine, args in (("lib_fines_core.target_amount", (1, datetime(2099, 1, 1), None, None, None, None, None)),
                          ("lib_holds_core.trap_next", (1, 1))):
        with pytest.raises(DbError) as err:
            app_db.fn(routine, *args)
        app_db.rollback()
        assert err.value.code is None, routine
        assert err.value.sqlstate in (PG_REFUSED if app_db.engine == "postgresql" else ORA_REFUSED), routine


def test_the_committing_jobs_cannot_be_run_by_the_application(app_db):
    with pytest.raises(DbError) as err:
        app_db.call("lib_jobs.run_job", "ACCRUE_FINES", None, Out(int))
    app_db.rollback()
    assert err.value.code is None
    assert err.value.sqlstate in (PG_REFUSED if app_db.engine == "postgresql" else ORA_REFUSED), err.value.message


def test_nothing_can_be_created_in_public_or_a_package_schema(app_db, db):
    if app_db.engine == "postgresql":
        packages = [r["nspname"] for r in db.rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'lib\\_%' "
                                                   "ORDER BY 1")]
        statements = ["CREATE TABLE attack_t (n integer)", "CREATE TABLE public.attack_t (n integer)",
                      "CREATE VIEW public.attack_v AS SELECT 1 AS n",
                      "CREATE FUNCTION public.attack_f() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
                      "CREATE TEMP TABLE attack_t (n integer)", "CREATE SCHEMA attack_s"]
        for p in packages:
            statements += [f"CREATE TABLE {p}.attack_t (n integer)",
                           f"CREATE FUNCTION {p}.attack_f() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
                           f"CREATE OR REPLACE PROCEDURE {p}.attack_p() LANGUAGE sql AS 'SELECT 1'"]
    else:
        owner = db.scalar("SELECT USER FROM dual")
        statements = ["CREATE TABLE attack_t (n NUMBER)", f"CREATE TABLE {owner}.attack_t (n NUMBER)",
                      "CREATE VIEW attack_v AS SELECT 1 AS n FROM dual",
                      "CREATE PROCEDURE attack_p AS BEGIN NULL; END;",
                      "CREATE OR REPLACE PACKAGE lib_err AS PROCEDURE attack_p; END lib_err;",
                      "CREATE SYNONYM attack_s FOR users"]
    all_refused(app_db, statements)


@pytest.mark.postgres_only
def test_the_role_cannot_become_the_owner_or_change_a_routines_rights(app_db):
    all_refused(app_db, ["SET ROLE ils_owner", "GRANT ils_owner TO ils_app", "ALTER ROLE ils_app SUPERUSER",
                         "ALTER ROLE ils_app BYPASSRLS", "CREATE ROLE attack_r",
                         "ALTER FUNCTION lib_auth.has_permission(numeric, text) SECURITY INVOKER",
                         "ALTER FUNCTION lib_auth.has_permission(numeric, text) SET search_path = pg_temp",
                         "GRANT EXECUTE ON FUNCTION lib_auth.setting_number(text, numeric) TO ils_app"])
    # granting what it holds without GRANT OPTION is only a warning: it must gain nothing
    app_db.execute("GRANT INSERT ON audit_log TO ils_app")
    assert app_db.scalar("SELECT has_table_privilege('ils_app', 'audit_log', 'INSERT')") is False


# ---- the acting user and the audit trail cannot be forged ------------------------------------------------

@pytest.mark.postgres_only
def test_the_actor_cannot_be_set_without_lib_session(app_db, committed):
    """Package state is a PostgreSQL setting after translation; the compat layer keeps it where only the
    packages write it, so a setting of the session's own is never read as the actor."""
    f = Factory(committed)
    someone = f.user(roles=("LIBRARY_DIRECTOR",))
    key = f.session(someone)  # even a live key of theirs, set as a setting, is not read
    committed.commit()
    app_db.scalar("SELECT pg_catalog.set_config('lib_session.g_actor_id', :u, false)", {"u": str(someone)})
    app_db.scalar("SELECT pg_catalog.set_config('lib_session.g_session_key', :k, false)", {"k": key})
    assert app_db.fn("lib_session.actor") != someone
    for value in (f"'{someone}'::text", "0"):  # the text and the typed writer alike
        with pytest.raises(DbError):
            with app_db.savepoint():
                app_db.scalar(f"SELECT ora_compat.set_config('lib_session.g_session_key'::text, {value}, false)")


def test_an_audit_row_cannot_be_written_in_another_users_name_through_lib_audit(app_db, committed):
    someone = Factory(committed).user(roles=("LIBRARY_DIRECTOR",))
    committed.commit()
    with pytest.raises(DbError):
        app_db.call("lib_audit.log_event_by", someone, "users", someone, "LOGIN", None)


# ---- no signed-in user: system work is the owner's session only -----------------------------------------

PERMISSION_DENIED = -20411


def test_system_caller_is_the_owners_session_and_never_the_application_role(app_db, db):
    assert db.fn("lib_session.system_caller", returns=bool) is True
    assert app_db.fn("lib_session.system_caller", returns=bool) is False


def test_with_no_actor_the_application_role_is_refused_every_guarded_call_and_changes_nothing(app_db, committed):
    """A client holding the application's credentials that never calls set_actor is not "system work": it may
    not waive a fine, grant roles, change a setting, create an administrator or act on a patron's behalf."""
    f = Factory(committed)
    patron_user = f.user(("PATRON",))
    patron = f.patron(user_id=patron_user)
    clerk = f.user(("LIBRARIAN",))
    bare = f.user()  # an account without a patron record
    copy = f.copy()
    (fine_id,) = committed.call("lib_fines.add_charge", patron, None, "MANUAL", 5, "Damaged cover", Out(int))
    (loan_id, _) = committed.call("lib_circulation.checkout", patron, copy, None, None, None, None, Out(int), Out(datetime))
    material = f.material()  # its one copy out: a title the patron may place a hold on
    f.copy(material_id=material, status="ON_LOAN")
    committed.commit()
    watched = [("SELECT status, amount_paid FROM fines WHERE fine_id = :i", {"i": fine_id}),
               ("SELECT role_id FROM user_roles WHERE user_id = :u ORDER BY 1", {"u": clerk}),
               ("SELECT value FROM app_settings WHERE name = 'MAX_FAILED_LOGINS'", None),
               ("SELECT COUNT(*) AS n FROM users", None), ("SELECT COUNT(*) AS n FROM patrons", None),
               ("SELECT COUNT(*) AS n FROM holds", None), ("SELECT due_at, renewals FROM loans WHERE loan_id = :l",
                                                         {"l": loan_id}),
               ("SELECT COUNT(*) AS n FROM audit_log", None)]
    before = [committed.rows(sql, binds) for sql, binds in watched]
    calls = [("lib_fines.waive", fine_id, "goodwill"),
             ("lib_fines.add_charge", patron, None, "MANUAL", 500, "forged", Out(int)),
             ("lib_auth.set_roles", clerk, "IT_ADMIN,BRANCH_MANAGER"),
             ("lib_auth.create_user", unique("evil"), "hash", "Evil Admin", None, "IT_ADMIN", Out(int)),
             ("lib_auth.set_password", clerk, "attacker-hash"),
             ("lib_admin.set_setting", "MAX_FAILED_LOGINS", "20"),
             ("lib_patrons.register_for_user", bare, "Not", "Them", "x@example.org", Out(int)),
             ("lib_holds.place", patron, material, None, Out(int), Out(int)),
             ("lib_circulation.renew_own", patron, loan_id, Out(datetime), Out(int)),
             ("lib_patrons.expire_patrons", None, Out(int))]
    accepted = []
    for procedure, *args in calls:  # each on its own: what one call did cannot refuse the next
        app_db.execute("SAVEPOINT attempt")
        try:
            app_db.call(procedure, *args)
            accepted.append(f"{procedure}: accepted")
        except DbError as err:
            if err.code != PERMISSION_DENIED:
                accepted.append(f"{procedure}: {err.code} {err.message}")
        finally:
            app_db.execute("ROLLBACK TO SAVEPOINT attempt")
    app_db.rollback()
    assert accepted == [], "\n".join(accepted)
    assert [committed.rows(sql, binds) for sql, binds in watched] == before


def test_with_no_actor_the_owners_session_still_does_system_work(db, f):
    """The nightly jobs, install scripts and `scripts/ils admin bootstrap` run as the owner (on PostgreSQL the
    cluster's superuser), with no actor: the guarded calls they make pass."""
    db.clear_actor()
    (user_id,) = db.call("lib_auth.create_user", unique("boot"), "hash", "First Admin", None, "IT_ADMIN", Out(int))
    assert db.scalar("SELECT COUNT(*) FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id "
                     "WHERE ur.user_id = :u AND r.code = 'IT_ADMIN'", {"u": user_id}) == 1
    f.patron(status="ACTIVE", expires_on=datetime(2001, 1, 1))
    (expired,) = db.call("lib_patrons.expire_patrons", None, Out(int))
    assert expired >= 1
    db.call("lib_admin.set_setting", "MAX_FAILED_LOGINS", "6")


@pytest.mark.postgres_only
def test_sys_context_reads_the_login_and_a_superuser_stands_for_the_owner(app_db, db):
    """compat.sql's SYS_CONTEXT: the application's login is itself; the superuser that runs the jobs reads as the
    role whose rights are in force (the owner inside the packages). Unsupported names raise, never guess."""
    def ctx(s, parameter):
        return s.scalar("SELECT ora_compat.sys_context('USERENV', :p)", {"p": parameter})

    assert (ctx(app_db, "SESSION_USER"), ctx(app_db, "CURRENT_USER")) == ("ILS_APP_TESTER", "ILS_APP")
    assert ctx(db, "SESSION_USER") == ctx(db, "CURRENT_USER") == db.scalar("SELECT upper(current_user::text)")
    for namespace, parameter in (("USERENV", "OS_USER"), ("CLIENTCONTEXT", "SESSION_USER")):
        with pytest.raises(DbError) as err:
            with app_db.savepoint():
                app_db.scalar("SELECT ora_compat.sys_context(:n, :p)", {"n": namespace, "p": parameter})
        assert err.value.sqlstate == "0A000"
