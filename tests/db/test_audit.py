"""The audit trail: row triggers on the audited tables, lib_audit events, audit_log append-only."""
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from database.tooling.audit_triggers import AUDITED, EXEMPT
from datalayer.session import DbError, Out
from services.accounts import key_hash
from tests.factories import today, unique

AUDIT_LOG_APPEND_ONLY = -20902


def audit_of(db, table, row_id):
    return db.rows("SELECT * FROM audit_log WHERE table_name = :t AND row_id = :r ORDER BY audit_id",
                   {"t": table, "r": row_id})


def pairs(text):
    """'a=1;b=x' -> {'a': '1', 'b': 'x'}"""
    return dict(p.split("=", 1) for p in text.split(";")) if text else {}


def active_loan(db, f, patron_id=None, copy_id=None):
    policy_id = db.scalar("SELECT policy_id FROM circ_policies WHERE branch_id IS NULL AND patron_category IS NULL "
                          "AND material_type IS NULL")
    return db.insert("loans", {"copy_id": copy_id or f.copy(status="ON_LOAN"), "patron_id": patron_id or f.patron(),
                               "branch_id": f.main_branch(), "policy_id": policy_id, "status": "ACTIVE",
                               "checkout_at": today(), "due_at": today() + timedelta(days=14)}, "loan_id")


def test_insert_is_audited_with_actor_and_new_values(db, f):
    actor = f.user(("LIBRARIAN",))
    db.set_actor(actor)
    patron_id = f.patron()
    [row] = audit_of(db, "patrons", patron_id)
    assert (row["action"], row["actor_user_id"], row["old_values"]) == ("INSERT", actor, None)
    new = pairs(row["new_values"])
    assert new["patron_id"] == str(patron_id) and new["status"] == "ACTIVE" and new["category"] == "ADULT"
    assert "phone" not in new  # NULL columns are left out of an INSERT


def test_update_records_only_the_changed_columns(db, f):
    patron_id = f.patron()
    db.execute("UPDATE patrons SET status = 'SUSPENDED', status_reason = 'lost books' WHERE patron_id = :p",
               {"p": patron_id})
    row = audit_of(db, "patrons", patron_id)[-1]
    assert row["action"] == "UPDATE"
    assert pairs(row["old_values"]) == {"status": "ACTIVE", "status_reason": ""}
    assert pairs(row["new_values"]) == {"status": "SUSPENDED", "status_reason": "lost books"}


def test_update_that_changes_nothing_is_not_audited(db, f):
    patron_id = f.patron()
    db.execute("UPDATE patrons SET status = status WHERE patron_id = :p", {"p": patron_id})
    assert [r["action"] for r in audit_of(db, "patrons", patron_id)] == ["INSERT"]


def test_delete_is_audited_with_the_old_values(db, f):
    user_id = f.user(("LIBRARIAN",))
    role_id = db.scalar("SELECT role_id FROM roles WHERE code = 'LIBRARIAN'")
    db.execute("DELETE FROM user_roles WHERE user_id = :u", {"u": user_id})
    row = audit_of(db, "user_roles", user_id)[-1]
    assert (row["action"], row["new_values"]) == ("DELETE", None)
    assert pairs(row["old_values"])["role_id"] == str(role_id)


def test_user_roles_rows_are_audited_under_the_user_id(db, f):
    user_id = f.user(("LIBRARIAN", "CATALOGER"))
    assert [r["action"] for r in audit_of(db, "user_roles", user_id)] == ["INSERT", "INSERT"]


def test_dates_are_written_to_the_second(db, f):
    loan_id = active_loan(db, f)
    db.execute("UPDATE loans SET due_at = :d WHERE loan_id = :l", {"d": datetime(2030, 1, 2, 23, 59, 59), "l": loan_id})
    row = audit_of(db, "loans", loan_id)[-1]
    assert pairs(row["new_values"]) == {"due_at": "2030-01-02 23:59:59"}


def test_password_hash_is_never_written(db, f):
    user_id = f.user(password_hash="secret-hash-1")
    db.execute("UPDATE users SET password_hash = 'secret-hash-2' WHERE user_id = :u", {"u": user_id})
    rows = audit_of(db, "users", user_id)
    assert [r["action"] for r in rows] == ["INSERT", "UPDATE"]
    for r in rows:
        assert "secret-hash" not in (r["old_values"] or "") + (r["new_values"] or "")
    assert pairs(rows[0]["new_values"])["password_hash"] == "***"
    assert pairs(rows[1]["new_values"]) == {"password_hash": "***"}


def test_login_bookkeeping_is_an_event_not_an_update(db, f):
    name = unique("u")
    user_id = f.user(username=name)
    db.call("lib_auth.login_failed", name, Out(int))
    db.call("lib_auth.login_succeeded", user_id, secrets.token_urlsafe(32), "API", None, 3600, Out(int))
    assert [r["action"] for r in audit_of(db, "users", user_id)] == ["INSERT", "LOGIN_FAILED", "LOGIN"]


def test_account_lock_is_audited_as_an_update(db, f):
    db.execute("UPDATE app_settings SET value = '1' WHERE name = 'MAX_FAILED_LOGINS'")
    name = unique("u")
    user_id = f.user(username=name)
    db.call("lib_auth.login_failed", name, Out(int))
    update = [r for r in audit_of(db, "users", user_id) if r["action"] == "UPDATE"]
    assert len(update) == 1 and pairs(update[0]["new_values"])["account_locked"] == "Y"


def test_actor_is_null_without_a_session_actor(db, f):
    patron_id = f.patron()
    assert audit_of(db, "patrons", patron_id)[0]["actor_user_id"] is None


def test_log_event_records_an_override(db, f):
    actor = f.user(("BRANCH_MANAGER",))
    db.set_actor(actor)
    loan_id = active_loan(db, f)
    db.call("lib_audit.log_event", "loans", loan_id, "OVERRIDE", "LOAN_LIMIT_REACHED")
    row = [r for r in audit_of(db, "loans", loan_id) if r["action"] == "OVERRIDE"][0]
    assert (row["actor_user_id"], row["new_values"]) == (actor, "LOAN_LIMIT_REACHED")


def test_long_values_are_cut_to_the_column_size(db, f):
    patron_id = f.patron()
    db.call("lib_audit.log_event", "patrons", patron_id, "OVERRIDE", "x" * 5000)
    row = audit_of(db, "patrons", patron_id)[-1]
    assert len(row["new_values"]) == 4000


def test_audit_log_rejects_update(db, f):
    patron_id = f.patron()
    audit_id = audit_of(db, "patrons", patron_id)[0]["audit_id"]
    with pytest.raises(DbError) as err:
        with db.savepoint():
            db.execute("UPDATE audit_log SET new_values = 'forged' WHERE audit_id = :a", {"a": audit_id})
    assert err.value.code == AUDIT_LOG_APPEND_ONLY
    assert audit_of(db, "patrons", patron_id)[0]["new_values"] != "forged"


def test_audit_log_rejects_delete(db, f):
    patron_id = f.patron()
    with pytest.raises(DbError) as err:
        with db.savepoint():
            db.execute("DELETE FROM audit_log WHERE table_name = 'patrons' AND row_id = :p", {"p": patron_id})
    assert err.value.code == AUDIT_LOG_APPEND_ONLY
    assert len(audit_of(db, "patrons", patron_id)) == 1


# ---- every audited table: the generated triggers ------------------------------------------------------

def _role(db, code="LIBRARIAN"):
    return db.scalar("SELECT role_id FROM roles WHERE code = :c", {"c": code})


def _free_error_code(db):
    return db.scalar("SELECT MIN(c) FROM (SELECT -20999 + LEVEL - 1 AS c FROM dual CONNECT BY LEVEL <= 900) x "
                     "WHERE c NOT IN (SELECT error_code FROM app_errors)") if db.engine == "oracle" else \
        db.scalar("SELECT MIN(c) FROM generate_series(-20999, -20100) c WHERE c NOT IN (SELECT error_code FROM app_errors)")


def _hold(db, f):
    return db.insert("holds", {"patron_id": f.patron(), "material_id": f.material(),
                               "pickup_branch_id": f.main_branch()}, "hold_id")


def _fine(db, f):
    return db.insert("fines", {"patron_id": f.patron(), "fine_type": "MANUAL", "amount": 2}, "fine_id")


# table -> make(db, f) returning (where, row_id, key, (column, new value), {column: expected old, new text})
# where: the WHERE clause binds of the new row; key: the key text that heads an UPDATE's values ('' if none)
def _cases():
    def users(db, f):
        u = f.user()
        return {"user_id": u}, u, "", ("full_name", "Renamed"), None

    def roles(db, f):
        r = db.insert("roles", {"code": unique("R"), "name": "Test role"}, "role_id")
        return {"role_id": r}, r, "", ("name", "Renamed role"), None

    def permissions(db, f):
        p = db.insert("permissions", {"code": unique("PERM"), "description": "a test permission"}, "permission_id")
        return {"permission_id": p}, p, "", ("description", "changed"), None

    def user_roles(db, f):
        u = f.user()
        db.execute("INSERT INTO user_roles (user_id, role_id) VALUES (:u, :r)", {"u": u, "r": _role(db)})
        return {"user_id": u}, u, f"role_id={_role(db)}", ("granted_by", u), None

    def role_requests(db, f):
        r = db.insert("role_requests", {"user_id": f.user(), "role_id": _role(db),
                                        "requested_by": f.user(("IT_ADMIN",))}, "request_id")
        other = _role(db, "CATALOGER")
        return {"request_id": r}, r, "", ("role_id", other), {"role_id": (str(_role(db)), str(other))}

    def role_permissions(db, f):
        r = db.insert("roles", {"code": unique("R"), "name": "Test role"}, "role_id")
        perms = [row["permission_id"] for row in db.rows("SELECT permission_id FROM permissions ORDER BY permission_id")]
        db.execute("INSERT INTO role_permissions (role_id, permission_id) VALUES (:r, :p)", {"r": r, "p": perms[0]})
        # both columns are the key: changing one is a change of the key, written as such
        return {"role_id": r}, r, "", ("permission_id", perms[1]), {"permission_id": (str(perms[0]), str(perms[1]))}

    def branches(db, f):
        b = f.branch()
        return {"branch_id": b}, b, "", ("phone", "555-0100"), {"phone": ("", "555-0100")}

    def closed_days(db, f):
        c = f.closed_day(datetime(2091, 3, 4), f.branch())
        return {"closed_day_id": c}, c, "", ("reason", "flood"), {"reason": ("test", "flood")}

    def closed_weekdays(db, f):
        c = db.insert("closed_weekdays", {"branch_id": f.branch(), "iso_weekday": 7, "reason": "test"},
                      "closed_weekday_id")
        return {"closed_weekday_id": c}, c, "", ("reason", "Sundays"), {"reason": ("test", "Sundays")}

    def copy_inspections(db, f):
        i = db.insert("copy_inspections", {"copy_id": f.copy(), "grade": "WORN", "note": "test"}, "inspection_id")
        return {"inspection_id": i}, i, "", ("note", "torn"), {"note": ("test", "torn")}

    def material_identifiers(db, f):
        i = db.insert("material_identifiers", {"material_id": f.material(), "id_type": "CONTROL", "id_value": "ocm1",
                                               "id_source": "OCoLC"}, "identifier_id")
        return {"identifier_id": i}, i, "", ("id_value", "ocm2"), {"id_value": ("ocm1", "ocm2")}

    def material_subjects(db, f):
        m = f.material()
        db.execute("INSERT INTO material_subjects (material_id, heading_order, heading) VALUES (:m, 1, 'Whales')",
                   {"m": m})
        return {"material_id": m, "heading_order": 1}, m, "heading_order=1", ("heading", "Whaling"), \
            {"heading": ("Whales", "Whaling")}

    def catalog_imports(db, f):
        i = db.insert("catalog_imports", {"import_kind": "MARC", "file_name": "test.mrc", "file_bytes": 10},
                      "import_id")
        return {"import_id": i}, i, "", ("status", "RUNNING"), {"status": ("QUEUED", "RUNNING")}

    def transits(db, f):
        t = db.insert("transits", {"copy_id": f.copy(), "from_branch_id": f.branch(), "to_branch_id": f.branch(),
                                   "reason": "HOME"}, "transit_id")
        return {"transit_id": t}, t, "", ("to_branch_id", f.branch()), None

    def patrons(db, f):
        p = f.patron()
        return {"patron_id": p}, p, "", ("phone", "555"), None

    def genres(db, f):
        g = db.insert("genres", {"name": unique("Genre")}, "genre_id")
        return {"genre_id": g}, g, "", ("name", unique("Renamed")), None

    def authors(db, f):
        a = db.insert("authors", {"full_name": "Ann Author", "sort_name": "Author, Ann"}, "author_id")
        return {"author_id": a}, a, "", ("birth_year", 1901), {"birth_year": ("", "1901")}

    def materials(db, f):
        m = f.material(replacement_cost=30)
        return {"material_id": m}, m, "", ("replacement_cost", Decimal("12.5")), {"replacement_cost": ("30.00", "12.50")}

    def material_authors(db, f):
        m = f.material()
        a = db.insert("authors", {"full_name": "Ann Author", "sort_name": "Author, Ann"}, "author_id")
        db.execute("INSERT INTO material_authors (material_id, author_id) VALUES (:m, :a)", {"m": m, "a": a})
        return {"material_id": m}, m, f"author_id={a}", ("author_order", 2), {"author_order": ("1", "2")}

    def copies(db, f):
        c = f.copy()
        return {"copy_id": c}, c, "", ("price", Decimal("12.5")), {"price": ("", "12.50")}

    def circ_policies(db, f):
        p = f.policy(branch_id=f.branch())
        return {"policy_id": p}, p, "", ("daily_fine", Decimal("0.25")), {"daily_fine": ("0.50", "0.25")}

    def loans(db, f):
        loan = active_loan(db, f)
        return {"loan_id": loan}, loan, "", ("renewals", 1), {"renewals": ("0", "1")}

    def holds(db, f):
        h = _hold(db, f)
        return {"hold_id": h}, h, "", ("close_reason", "x"), None

    def fines(db, f):
        fine = _fine(db, f)
        return {"fine_id": fine}, fine, "", ("amount", Decimal("0.25")), {"amount": ("2.00", "0.25")}

    def payments(db, f):
        fine = _fine(db, f)
        patron = db.scalar("SELECT patron_id FROM fines WHERE fine_id = :f", {"f": fine})
        p = db.insert("payments", {"fine_id": fine, "patron_id": patron, "amount": 1, "method": "CASH"}, "payment_id")
        return {"payment_id": p}, p, "", ("note", "x"), None

    def notices(db, f):
        loan = active_loan(db, f)
        patron = db.scalar("SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan})
        n = db.insert("notices", {"notice_type": "DUE_SOON", "patron_id": patron, "loan_id": loan, "subject_id": loan,
                                  "notice_day": today()}, "notice_id")
        return {"notice_id": n}, n, "", ("error_text", "mailbox full"), None

    def notice_items(db, f):
        loan = active_loan(db, f)
        patron = db.scalar("SELECT patron_id FROM loans WHERE loan_id = :l", {"l": loan})
        n = db.insert("notices", {"notice_type": "LOAN_DIGEST", "patron_id": patron, "subject_id": patron,
                                  "notice_day": today()}, "notice_id")
        db.execute("INSERT INTO notice_items (notice_id, loan_id, item_type, overdue_level, due_at) "
                   "VALUES (:n, :l, 'OVERDUE', 1, :d)", {"n": n, "l": loan, "d": datetime(2030, 1, 1)})
        return {"notice_id": n}, n, f"loan_id={loan}", ("overdue_level", 2), {"overdue_level": ("1", "2")}

    def notice_templates(db, f):
        lang = unique("x")[:10]
        db.execute("INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html) "
                   "VALUES ('HOLD_READY', :l, 'S', 'T', 'H')", {"l": lang})
        return ({"notice_type": "HOLD_READY", "language_code": lang}, None,
                f"notice_type=HOLD_READY;language_code={lang}", ("subject", "S2"), {"subject": ("S", "S2")})

    def notice_preferences(db, f):
        patron = f.patron()
        db.execute("INSERT INTO notice_preferences (patron_id, notice_type, enabled) VALUES (:p, 'OVERDUE', 'Y')",
                   {"p": patron})
        return {"patron_id": patron, "notice_type": "OVERDUE"}, patron, "notice_type=OVERDUE", ("enabled", "N"), \
            {"enabled": ("Y", "N")}

    def app_settings(db, f):
        name = unique("TEST_SETTING").upper()
        db.execute("INSERT INTO app_settings (name, value, description) VALUES (:n, '5', 'a test setting')", {"n": name})
        return {"name": name}, None, f"name={name}", ("value", "1"), {"value": ("5", "1")}

    def app_errors(db, f):
        code = _free_error_code(db)
        db.execute("INSERT INTO app_errors (error_code, name, http_status, message) VALUES (:c, :n, 409, 'A test')",
                   {"c": code, "n": unique("TEST_ERROR").upper()})
        return {"error_code": code}, code, "", ("http_status", 422), {"http_status": ("409", "422")}

    def jobs(db, f):
        name = unique("TEST_JOB").upper()[:30]
        db.execute("INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) "
                   "VALUES (:n, 'a test job', :p, 1, 2)", {"n": name, "p": "lib_jobs." + name.lower()})
        return {"job_name": name}, None, f"job_name={name}", ("run_hour", 3), {"run_hour": ("1", "3")}

    return {fn.__name__: fn for fn in (users, roles, permissions, user_roles, role_permissions, role_requests,
                                       branches, closed_days, closed_weekdays, copy_inspections, transits, material_identifiers, material_subjects,
                                       catalog_imports, patrons, genres, authors, materials, material_authors,
                                       copies, circ_policies, loans, holds, fines, payments, notices, notice_items,
                                       notice_templates, notice_preferences, app_settings,
                                       app_errors, jobs)}


CASES = _cases()


def _vocabulary_case(table):
    def case(db, f):
        code = unique("V").upper()[:20]
        db.execute(f"INSERT INTO {table} (code, label) VALUES (:c, 'A test')", {"c": code})
        return {"code": code}, None, f"code={code}", ("label", "Renamed"), {"label": ("A test", "Renamed")}
    return case


CASES |= {table: _vocabulary_case(table) for table in ("material_types", "patron_categories", "patron_statuses",
                                                       "copy_statuses", "loan_statuses", "hold_statuses", "fine_types",
                                                       "fine_statuses", "payment_methods", "condition_grades")}


# ---- user_sessions (sign-in sessions): its case, and the touch of set_actor that is not audited ----------

def _user_sessions(db, f):
    u = f.user()
    s = db.scalar("SELECT session_id FROM user_sessions WHERE key_hash = :h", {"h": key_hash(f.session(u))})
    return {"session_id": s}, s, "", ("client_addr", "192.0.2.7"), {"client_addr": ("", "192.0.2.7")}


CASES["user_sessions"] = _user_sessions


def test_a_session_in_use_is_not_audited_its_end_is_without_the_key(db, f):
    user = f.user(("LIBRARIAN",))
    key = f.session(user)
    session_id = db.scalar("SELECT session_id FROM user_sessions WHERE key_hash = :h", {"h": key_hash(key)})
    hour_ago = datetime.utcnow().replace(microsecond=0) - timedelta(hours=1)
    db.execute("UPDATE user_sessions SET last_seen_at = :t WHERE session_id = :s", {"t": hour_ago, "s": session_id})
    since = db.scalar("SELECT COALESCE(MAX(audit_id), 0) FROM audit_log")
    db.set_actor(user, key)  # notes last_seen_at (older than five minutes)
    assert db.scalar("SELECT last_seen_at FROM user_sessions WHERE session_id = :s", {"s": session_id}) > hour_ago
    assert _trail(db, "user_sessions", since) == []
    db.call("lib_session.end_session")
    [end] = _trail(db, "user_sessions", since)
    assert (end["action"], end["row_id"], end["actor_user_id"]) == ("UPDATE", session_id, user)
    assert pairs(end["new_values"])["revoked_reason"] == "LOGOUT"
    assert key_hash(key) not in (end["old_values"] or "") + end["new_values"]


def test_every_audited_table_has_a_case_below():
    assert set(CASES) == set(AUDITED)


def _trail(db, table, since):
    return db.rows("SELECT * FROM audit_log WHERE table_name = :t AND audit_id > :a ORDER BY audit_id",
                   {"t": table, "a": since})


@pytest.mark.parametrize("table", sorted(CASES))
def test_every_audited_table_records_insert_update_and_delete_with_the_actor(db, f, table):
    since = db.scalar("SELECT COALESCE(MAX(audit_id), 0) FROM audit_log")
    actor = f.user(("IT_ADMIN",))
    db.set_actor(actor)
    where, row_id, key, (column, value), expected = CASES[table](db, f)
    cond = " AND ".join(f"{c} = :{c}" for c in where)
    db.execute(f"UPDATE {table} SET {column} = :v_ WHERE {cond}", {**where, "v_": value})
    db.execute(f"DELETE FROM {table} WHERE {cond}", where)
    rows = _trail(db, table, since)
    mine = [r for r in rows if r["row_id"] == row_id and (row_id is not None or key in (r["old_values"] or "") +
                                                             (r["new_values"] or ""))]
    assert [r["action"] for r in mine] == ["INSERT", "UPDATE", "DELETE"], rows
    insert, update, delete = mine
    assert insert["old_values"] is None and delete["new_values"] is None
    assert set(pairs(insert["new_values"])) | {column} == set(pairs(delete["old_values"])) | {column}
    assert [r["actor_user_id"] for r in mine] == [actor, actor, actor]
    old, new = pairs(update["old_values"]), pairs(update["new_values"])
    if key:  # the key columns that row_id does not hold come first on both sides
        assert update["old_values"].startswith(key + ";") and update["new_values"].startswith(key + ";")
        for part in key.split(";"):  # a key of several columns: each heads both sides
            k = part.split("=", 1)[0]
            old.pop(k), new.pop(k)
    assert set(old) == set(new) == {column}
    if expected:
        assert (old[column], new[column]) == expected[column]


def test_an_update_that_keeps_every_value_of_a_keyed_table_is_not_audited(db, f):
    where, _, key, _, _ = CASES["app_settings"](db, f)
    since = db.scalar("SELECT COALESCE(MAX(audit_id), 0) FROM audit_log")
    db.execute("UPDATE app_settings SET value = value WHERE name = :name", where)
    assert _trail(db, "app_settings", since) == []


def test_a_setting_change_names_the_setting_and_the_actor(db, f):
    """The issue's example: lowering MAX_FAILED_LOGINS weakens the lockout, and must leave a trace."""
    actor = f.user(("IT_ADMIN",))
    db.set_actor(actor)
    before = db.scalar("SELECT value FROM app_settings WHERE name = 'MAX_FAILED_LOGINS'")
    db.execute("UPDATE app_settings SET value = '99' WHERE name = 'MAX_FAILED_LOGINS'")
    [row] = [r for r in _trail(db, "app_settings", 0) if r["action"] == "UPDATE"][-1:]
    assert (row["actor_user_id"], row["row_id"]) == (actor, None)
    assert row["old_values"] == f"name=MAX_FAILED_LOGINS;value={before}"
    assert row["new_values"] == "name=MAX_FAILED_LOGINS;value=99"


def test_catalog_writes_are_audited_with_the_actor(db, f):
    """Issue 11: creating a title, changing its replacement cost and adding a copy left no trace."""
    actor = f.user(("CATALOGER",))
    db.set_actor(actor)
    (material_id,) = db.call("lib_catalog.add_material", "Audited Title", None, None, "BOOK", None, None, None, None,
                             None, Decimal("20"), "Ann Author", Out(int))
    db.call("lib_catalog.update_material", material_id, "Audited Title", None, None, "BOOK", None, None, None, None,
            None, Decimal("22.5"), "Ann Author")
    (copy_id,) = db.call("lib_catalog.add_copy", material_id, f.main_branch(), None, None, Decimal("9.99"), Out(int))
    trail = [(r["table_name"], r["action"], r["actor_user_id"]) for r in _trail(db, "materials", 0)
             if r["row_id"] == material_id]
    assert trail == [("materials", "INSERT", actor), ("materials", "UPDATE", actor)]
    update = audit_of(db, "materials", material_id)[-1]
    assert (pairs(update["old_values"])["replacement_cost"], pairs(update["new_values"])["replacement_cost"]) == \
        ("20.00", "22.50")
    [copy] = audit_of(db, "copies", copy_id)
    assert (copy["action"], copy["actor_user_id"], pairs(copy["new_values"])["price"]) == ("INSERT", actor, "9.99")
    credits = audit_of(db, "material_authors", material_id)  # update_material writes the credits again
    assert [r["action"] for r in credits] == ["INSERT", "DELETE", "INSERT"]
    assert {r["actor_user_id"] for r in credits} == {actor}


def test_the_installed_triggers_are_the_generated_ones(db):
    """Each audited table has its audit trigger in the database, an exempt table has none."""
    if db.engine == "oracle":
        rows = db.rows("SELECT LOWER(table_name) AS tbl, LOWER(trigger_name) AS trg FROM user_triggers")
    else:
        rows = db.rows("SELECT tgrelid::regclass::text AS tbl, tgname AS trg FROM pg_trigger WHERE NOT tgisinternal")
    audit = {r["tbl"]: r["trg"] for r in rows if r["trg"].endswith("_audit_trg")}
    assert audit == {t: f"{t}_audit_trg" for t in AUDITED}
    assert not set(audit) & set(EXEMPT)
    assert {(r["tbl"], r["trg"]) for r in rows if r["tbl"] == "audit_log"} == {("audit_log", "audit_log_append_only_trg")}
