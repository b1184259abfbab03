"""The audit trail: row triggers on the audited tables, lib_audit events, audit_log append-only."""
import secrets
from datetime import datetime, timedelta

import pytest

from api.db.session import DbError, Out
from tests.factories import today, unique

AUDIT_LOG_APPEND_ONLY = -20902
AUDITED_TABLES = {"loans", "holds", "fines", "payments", "patrons", "users", "user_roles"}


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


def test_every_audited_table_records_insert_update_and_delete(db, f):
    patron_id = f.patron()
    loan_id = active_loan(db, f, patron_id=patron_id)
    material_id = f.material()
    hold_id = db.insert("holds", {"patron_id": patron_id, "material_id": material_id,
                                  "pickup_branch_id": f.main_branch()}, "hold_id")
    fine_id = db.insert("fines", {"patron_id": patron_id, "loan_id": loan_id, "fine_type": "MANUAL", "amount": 2},
                        "fine_id")
    payment_id = db.insert("payments", {"fine_id": fine_id, "patron_id": patron_id, "amount": 1, "method": "CASH"},
                           "payment_id")
    user_id = f.user(("LIBRARIAN",))
    keys = {"loans": ("loan_id", loan_id), "holds": ("hold_id", hold_id), "fines": ("fine_id", fine_id),
            "payments": ("payment_id", payment_id), "patrons": ("patron_id", patron_id),
            "users": ("user_id", user_id), "user_roles": ("user_id", user_id)}
    assert set(keys) == AUDITED_TABLES
    # an UPDATE per table of a column that every one of them has or a harmless change
    db.execute("UPDATE loans SET renewals = 1 WHERE loan_id = :k", {"k": loan_id})
    db.execute("UPDATE holds SET close_reason = 'x' WHERE hold_id = :k", {"k": hold_id})
    db.execute("UPDATE fines SET description = 'x' WHERE fine_id = :k", {"k": fine_id})
    db.execute("UPDATE payments SET note = 'x' WHERE payment_id = :k", {"k": payment_id})
    db.execute("UPDATE patrons SET phone = '555' WHERE patron_id = :k", {"k": patron_id})
    db.execute("UPDATE users SET full_name = 'Renamed' WHERE user_id = :k", {"k": user_id})
    db.execute("UPDATE user_roles SET granted_by = :k WHERE user_id = :k", {"k": user_id})
    for table in ("payments", "fines", "holds", "loans", "user_roles"):
        column, key = keys[table]
        db.execute(f"DELETE FROM {table} WHERE {column} = :k", {"k": key})
    for table, (_, key) in keys.items():
        actions = [r["action"] for r in audit_of(db, table, key)]
        expected = ["INSERT", "UPDATE"] + (["DELETE"] if table not in ("patrons", "users") else [])
        assert actions == expected, table


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
