"""Constraints that make both engines store the same rows: required text refuses blanks (Oracle stores ''
as NULL, PostgreSQL would keep it), unique keys over nullable columns compare NULLs alike, and each
refusal reaches the API's error mapping as a clean 4xx."""
from __future__ import annotations

from datetime import timedelta

import pytest

from datalayer.errors import ErrorCatalog
from datalayer.session import DbError, Out
from tests.db.conftest import refused
from tests.factories import today, unique

INVALID_PATRON_DATA = -20414
WAIVE_REASON_REQUIRED = -20206
NON_CATALOG = ErrorCatalog({})  # only the mapping of errors outside app_errors


def _genre(f, db) -> int:
    return db.insert("genres", {"name": unique("G")}, "genre_id")


def _author(f, db) -> int:
    return db.insert("authors", {"full_name": "Ada Writer", "sort_name": "Writer, Ada"}, "author_id")


def _role(f, db) -> int:
    return db.scalar("SELECT role_id FROM roles WHERE code = 'LIBRARIAN'")


def _permission(f, db) -> int:
    return db.scalar("SELECT permission_id FROM permissions WHERE code = 'CIRC_CHECKOUT'")


def _setting(f, db) -> str:
    return "NOTICE_DUE_DAYS"


# (table, key column, text column, a row of the table)
REQUIRED_TEXT = [
    ("users", "user_id", "username", lambda f, db: f.user()),
    ("users", "user_id", "full_name", lambda f, db: f.user()),
    ("roles", "role_id", "code", _role),
    ("roles", "role_id", "name", _role),
    ("permissions", "permission_id", "code", _permission),
    ("branches", "branch_id", "code", lambda f, db: f.branch()),
    ("branches", "branch_id", "name", lambda f, db: f.branch()),
    ("patrons", "patron_id", "card_number", lambda f, db: f.patron()),
    ("patrons", "patron_id", "first_name", lambda f, db: f.patron()),
    ("patrons", "patron_id", "last_name", lambda f, db: f.patron()),
    ("genres", "genre_id", "name", _genre),
    ("authors", "author_id", "full_name", _author),
    ("authors", "author_id", "sort_name", _author),
    ("materials", "material_id", "title", lambda f, db: f.material()),
    ("materials", "material_id", "language_code", lambda f, db: f.material()),
    ("copies", "copy_id", "barcode", lambda f, db: f.copy()),
    ("app_settings", "name", "value", _setting),
]


def _refusal(db, sql: str, binds: dict | None = None) -> DbError:
    with pytest.raises(DbError) as err:
        with db.savepoint():
            db.execute(sql, binds)
    return err.value


def _check_refusal(err: DbError, constraint: str) -> None:
    """A CHECK refused the row (or, for '' on Oracle, NOT NULL did): 422 INVALID_ARGUMENT at the API."""
    assert err.sqlstate in ("23514", "ORA-02290", "ORA-01400", "ORA-01407"), (err.sqlstate, err.message)
    if err.sqlstate in ("23514", "ORA-02290"):
        assert constraint in err.message.lower(), err.message
    assert NON_CATALOG.resolve(err)[:2] == (422, "INVALID_ARGUMENT")


def _unique_refusal(err: DbError, index: str) -> None:
    assert err.sqlstate in ("23505", "ORA-00001"), (err.sqlstate, err.message)
    assert index in err.message.lower(), err.message
    assert NON_CATALOG.resolve(err)[:2] == (409, "CONFLICT")


# ---- required text -------------------------------------------------------------------------------

@pytest.mark.parametrize("blank", ["", "   "], ids=["empty", "spaces"])
@pytest.mark.parametrize("table, key, column, row", REQUIRED_TEXT, ids=[f"{t}.{c}" for t, _, c, _ in REQUIRED_TEXT])
def test_required_text_refuses_blank_on_both_engines(db, f, table, key, column, row, blank):
    row_id = row(f, db)
    err = _refusal(db, f"UPDATE {table} SET {column} = :v WHERE {key} = :k", {"v": blank, "k": row_id})
    _check_refusal(err, f"{table}_{column}_ck")
    db.execute(f"UPDATE {table} SET {column} = :v WHERE {key} = :k", {"v": " X1 ", "k": row_id})


@pytest.mark.parametrize("name", ["", "  "], ids=["empty", "spaces"])
def test_insert_of_a_branch_without_a_name_is_refused(db, name):
    err = _refusal(db, "INSERT INTO branches (code, name) VALUES (:c, :n)", {"c": unique("B"), "n": name})
    _check_refusal(err, "branches_name_ck")


def test_patron_registration_refuses_blank_names_and_stores_blank_contact_data_as_null(db, f):
    db.set_actor(f.user(roles=("LIBRARIAN",)))
    refused(db, INVALID_PATRON_DATA, "lib_patrons.register", "   ", "Lovelace", None, None, None, None, None, None,
            Out(int))
    (patron_id,) = db.call("lib_patrons.register", "Ada", "Lovelace", "  ", " ", "   ", None, None, None, Out(int))
    row = db.one("SELECT first_name, email, phone, address FROM patrons WHERE patron_id = :p", {"p": patron_id})
    assert row == {"first_name": "Ada", "email": None, "phone": None, "address": None}


def test_waiver_needs_a_reason_that_is_not_blank(db, f):
    patron = f.patron()
    fine_id = db.insert("fines", {"patron_id": patron, "fine_type": "MANUAL", "amount": 5}, "fine_id")
    err = _refusal(db, "UPDATE fines SET status = 'WAIVED', waive_reason = '   ' WHERE fine_id = :f", {"f": fine_id})
    _check_refusal(err, "fines_waive_reason_ck")
    db.set_actor(f.user(roles=("BRANCH_MANAGER",)))
    refused(db, WAIVE_REASON_REQUIRED, "lib_fines.waive", fine_id, "   ")


def test_overdue_or_lost_charge_names_its_loan(db, f):
    """fines_loan_charge_uk keys (loan_id, fine_type) of overdue and lost charges: with the loan always
    set, its keys are all NULL or all set, which both engines compare alike."""
    patron = f.patron()
    for fine_type in ("OVERDUE", "LOST"):
        err = _refusal(db, "INSERT INTO fines (patron_id, loan_id, fine_type, amount) VALUES (:p, NULL, :t, 1)",
                       {"p": patron, "t": fine_type})
        _check_refusal(err, "fines_loan_charge_ck")
    db.insert("fines", {"patron_id": patron, "fine_type": "MANUAL", "amount": 1}, "fine_id")


# ---- unique keys over nullable columns -------------------------------------------------------------

def test_library_wide_closed_day_is_refused_twice_on_a_date(db, f):
    day = today() + timedelta(days=400)
    f.closed_day(day)
    err = _refusal(db, "INSERT INTO closed_days (branch_id, closed_on, reason) VALUES (NULL, :d, 'again')", {"d": day})
    _unique_refusal(err, "closed_days_branch_date_uk")


def test_a_branch_closure_and_a_library_wide_one_may_share_a_date(db, f):
    day = today() + timedelta(days=401)
    first, second = f.branch(), f.branch()
    f.closed_day(day)
    f.closed_day(day, first)
    f.closed_day(day, second)
    err = _refusal(db, "INSERT INTO closed_days (branch_id, closed_on) VALUES (:b, :d)", {"b": first, "d": day})
    _unique_refusal(err, "closed_days_branch_date_uk")


def test_a_second_default_policy_is_refused(db, f):
    """The reference data holds the default policy (any branch, category and type)."""
    assert db.scalar("SELECT COUNT(*) FROM circ_policies WHERE branch_id IS NULL AND patron_category IS NULL "
                     "AND material_type IS NULL") == 1
    with pytest.raises(DbError) as err:
        with db.savepoint():
            f.policy()
    _unique_refusal(err.value, "circ_policies_scope_uk")


def test_policy_scope_is_unique_with_any_as_one_of_its_values(db, f):
    branch = f.branch()
    f.policy(branch_id=branch, material_type="DVD")
    f.policy(branch_id=branch, patron_category="CHILD", material_type="DVD")
    f.policy(material_type="DVD")
    for scope in ({"branch_id": branch, "material_type": "DVD"}, {"material_type": "DVD"}):
        with pytest.raises(DbError) as err:
            with db.savepoint():
                f.policy(**scope)
        _unique_refusal(err.value, "circ_policies_scope_uk")
