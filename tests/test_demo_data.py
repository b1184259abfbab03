"""The demo data generator (scripts/demo.py): the "demo" scale loaded into databases of its own.

PostgreSQL only: on the server ILS_DATABASE_URL points at (the embedded cluster under `scripts/ils test`)
it builds ils_demo_<suite database> and a clone with suffix _b (ils_demo_test and ils_demo_test_b for
ils_test, so suites run against different databases do not collide) and drops them afterwards.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
import pytest
from argon2 import PasswordHasher

from scripts import demo

pytestmark = pytest.mark.postgres_only

ROLES = {"librarian": "LIBRARIAN", "manager": "BRANCH_MANAGER", "cataloger": "CATALOGER", "itadmin": "IT_ADMIN",
         "director": "LIBRARY_DIRECTOR", "patron1": "PATRON", "patron2": "PATRON", "patron3": "PATRON"}


@pytest.fixture(scope="module")
def admin_url(database_url) -> str:
    return urlsplit(database_url)._replace(scheme="postgresql", path="/postgres").geturl()


@pytest.fixture(scope="module")
def names(database_url) -> tuple[str, str]:
    suite_db = urlsplit(database_url).path.lstrip("/")
    a = "ils_demo_" + (suite_db[4:] if suite_db.startswith("ils_") else suite_db)
    return a, a + "_b"


def _url(admin_url: str, db: str) -> str:
    return urlsplit(admin_url)._replace(path="/" + db).geturl()


def _clone(admin_url: str, source: str, target: str) -> None:
    """CREATE DATABASE ... TEMPLATE, plus the per-database settings a template does not carry."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    with psycopg.connect(_url(admin_url, source), autocommit=True) as conn:  # session has source's settings
        names = [item.split("=", 1)[0] for (config,) in conn.execute(
            "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
            "WHERE d.datname = %s AND s.setrole = 0", (source,)) for item in config]
        for name in names:
            conn.execute(f'ALTER DATABASE "{target}" SET "{name}" FROM CURRENT')


@pytest.fixture(scope="module")
def loaded(admin_url, names):
    """Two fresh databases, each with the demo scale loaded with seed 42; dropped at the end."""
    from database.postgres import build
    DB_A, DB_B = names
    results = {}
    try:
        build.install(admin_url, DB_A)
        _clone(admin_url, DB_A, DB_B)
        for db in (DB_A, DB_B):
            results[db] = demo.load(_url(admin_url, db), "demo", seed=42, progress=False)
        yield results
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for db in (DB_A, DB_B):
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture
def conn(loaded, admin_url, names):
    with psycopg.connect(_url(admin_url, names[0])) as c:
        yield c
        c.rollback()


def _all(conn, sql, *params):
    return conn.execute(sql, params).fetchall()


def _one(conn, sql, *params):
    return conn.execute(sql, params).fetchone()[0]


def test_demo_scale_loads_the_requested_counts(loaded, names):
    counts = loaded[names[0]]["counts"]
    assert counts["materials"] == 200 and counts["copies"] == 500
    assert counts["patrons"] == 100 and counts["loans"] == 300
    assert counts["users"] == 8 and counts["holds"] == 30


def test_demo_users_exist_with_their_roles(conn):
    rows = _all(conn, "SELECT u.username, r.code FROM users u JOIN user_roles ur ON ur.user_id = u.user_id "
                      "JOIN roles r ON r.role_id = ur.role_id WHERE u.username = ANY(%s)", list(ROLES))
    assert dict(rows) == ROLES
    assert len(rows) == len(ROLES)  # one role each


def test_every_demo_password_verifies_with_argon2_defaults(conn):
    hasher = PasswordHasher()
    for username, password_hash in _all(conn, "SELECT username, password_hash FROM users WHERE username = ANY(%s)",
                                        list(ROLES)):
        assert hasher.verify(password_hash, f"{username}-pass")
        assert not hasher.check_needs_rehash(password_hash)


def test_demo_patrons_are_linked_and_in_the_promised_state(conn):
    rows = _all(conn, """
        SELECT u.username,
               (SELECT COUNT(*) FROM loans l WHERE l.patron_id = p.patron_id AND l.status = 'ACTIVE'),
               (SELECT COUNT(*) FROM loans l WHERE l.patron_id = p.patron_id AND l.status = 'ACTIVE'
                                                AND l.due_at < LOCALTIMESTAMP),
               (SELECT COUNT(*) FROM holds h WHERE h.patron_id = p.patron_id AND h.status IN ('PENDING', 'READY')),
               (SELECT COUNT(*) FROM fines f WHERE f.patron_id = p.patron_id AND f.status = 'OPEN')
          FROM patrons p JOIN users u ON u.user_id = p.user_id ORDER BY u.username""")
    assert rows == [("patron1", 2, 0, 1, 0), ("patron2", 1, 1, 0, 1), ("patron3", 0, 0, 0, 0)]


def test_isbn_check_digits_are_valid(conn):
    isbns = [r[0] for r in _all(conn, "SELECT isbn FROM materials WHERE isbn IS NOT NULL")]
    assert len(isbns) > 100
    assert [i for i in isbns if not demo.isbn_is_valid(i)] == []
    assert any(len(i) == 13 for i in isbns)
    assert len(set(isbns)) == len(isbns)


def test_isbn_helpers_on_known_numbers():
    assert demo.isbn_is_valid("9780306406157") and demo.isbn_is_valid("0306406152")
    assert demo.isbn_is_valid("080442957X")
    assert not demo.isbn_is_valid("9780306406158")


def test_copy_status_matches_the_open_loans_and_holds(conn):
    assert _one(conn, "SELECT COUNT(*) FROM loans WHERE status = 'ACTIVE'") > 0
    assert _one(conn, "SELECT COUNT(*) FROM loans l JOIN copies c ON c.copy_id = l.copy_id "
                      "WHERE l.status = 'ACTIVE' AND c.status <> 'ON_LOAN'") == 0
    assert _one(conn, "SELECT COUNT(*) FROM copies c WHERE c.status = 'ON_LOAN' AND "
                      "(SELECT COUNT(*) FROM loans l WHERE l.copy_id = c.copy_id AND l.status = 'ACTIVE') <> 1") == 0
    assert _one(conn, "SELECT COUNT(*) FROM holds h JOIN copies c ON c.copy_id = h.copy_id "
                      "WHERE h.status = 'READY' AND (c.status <> 'ON_HOLD_SHELF' OR h.expires_at < LOCALTIMESTAMP)") == 0
    assert _one(conn, "SELECT COUNT(*) FROM loans a JOIN loans b ON a.copy_id = b.copy_id AND a.loan_id < b.loan_id "
                      "WHERE a.checkout_at < COALESCE(b.returned_at, 'infinity') "
                      "AND b.checkout_at < COALESCE(a.returned_at, 'infinity')") == 0


def test_loans_fines_and_payments_are_consistent(conn):
    assert _one(conn, "SELECT COUNT(*) FROM loans WHERE due_at < LOCALTIMESTAMP AND status = 'ACTIVE'") > 0
    assert _one(conn, "SELECT COUNT(*) FROM loans WHERE checkout_at > LOCALTIMESTAMP OR due_at < checkout_at") == 0
    assert _one(conn, "SELECT COUNT(*) FROM loans l JOIN circ_policies p ON p.policy_id = l.policy_id") == 300
    assert _one(conn, "SELECT COUNT(*) FROM fines f WHERE amount_paid <> "
                      "COALESCE((SELECT SUM(amount) FROM payments p WHERE p.fine_id = f.fine_id), 0)") == 0
    statuses = {r[0] for r in _all(conn, "SELECT DISTINCT status FROM fines")}
    assert {"OPEN", "PAID"} <= statuses
    assert _one(conn, "SELECT COUNT(*) FROM fines WHERE status = 'PAID' AND amount_paid <> amount") == 0


def test_pending_holds_are_in_queue_order(conn):
    assert _one(conn, "SELECT COUNT(*) FROM holds WHERE status = 'PENDING'") > 0
    assert _one(conn, "SELECT COUNT(*) FROM holds a JOIN holds b ON a.material_id = b.material_id "
                      "AND a.hold_id < b.hold_id WHERE a.status IN ('PENDING', 'SUSPENDED') "
                      "AND b.status IN ('PENDING', 'SUSPENDED') AND a.placed_at > b.placed_at") == 0


def test_closed_days_are_holidays_and_branch_closures_not_weekends(conn):
    rows = _all(conn, "SELECT branch_id, closed_on FROM closed_days")
    assert sum(1 for b, _ in rows if b is None) >= 4
    assert _one(conn, "SELECT COUNT(DISTINCT branch_id) FROM closed_days") == _one(conn, "SELECT COUNT(*) FROM branches")
    assert len(rows) < 40  # not every weekend
    assert _one(conn, "SELECT COUNT(*) FROM closed_days WHERE closed_on > LOCALTIMESTAMP") >= 2


def test_identity_sequences_are_past_the_loaded_ids(conn):
    for table, column in demo.ID_COLUMN.items():
        assert _one(conn, f"SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{table}', '{column}')), 0)"
                          f" >= (SELECT COALESCE(MAX({column}), 0) FROM {table})"), table
    # and an INSERT that takes its id from the identity succeeds
    author = _one(conn, "INSERT INTO authors (full_name, sort_name) VALUES ('New Author', 'Author, New') "
                        "RETURNING author_id")
    material = _one(conn, "INSERT INTO materials (title) VALUES ('A New Title') RETURNING material_id")
    copy = _one(conn, "INSERT INTO copies (material_id, branch_id, barcode) "
                      "SELECT %s, branch_id, 'NEWCOPY1' FROM branches WHERE code = 'MAIN' RETURNING copy_id", material)
    patron = _one(conn, "INSERT INTO patrons (card_number, first_name, last_name, home_branch_id, expires_on) "
                        "SELECT 'NEWCARD1', 'New', 'Patron', branch_id, LOCALTIMESTAMP + INTERVAL '1 year' "
                        "FROM branches WHERE code = 'MAIN' RETURNING patron_id", )
    loan = _one(conn, "INSERT INTO loans (copy_id, patron_id, branch_id, policy_id, due_at) "
                      "SELECT %s, %s, branch_id, (SELECT MIN(policy_id) FROM circ_policies), "
                      "LOCALTIMESTAMP + INTERVAL '21 days' FROM branches WHERE code = 'MAIN' RETURNING loan_id",
                copy, patron)
    fine = _one(conn, "INSERT INTO fines (patron_id, loan_id, fine_type, amount) VALUES (%s, %s, 'MANUAL', 1) "
                      "RETURNING fine_id", patron, loan)
    _one(conn, "INSERT INTO payments (fine_id, patron_id, amount, method) VALUES (%s, %s, 1, 'CASH') "
               "RETURNING payment_id", fine, patron)
    _one(conn, "INSERT INTO holds (patron_id, material_id, pickup_branch_id) "
               "SELECT %s, %s, branch_id FROM branches WHERE code = 'MAIN' RETURNING hold_id", patron, material)
    assert author > 90 and material > 200 and copy > 500 and patron > 100 and loan > 300


def test_same_seed_gives_the_same_data(loaded, admin_url, names):
    DB_A, DB_B = names

    def snapshot(db: str) -> tuple:
        with psycopg.connect(_url(admin_url, db)) as c:
            return (_all(c, "SELECT material_id, title, subtitle, isbn FROM materials ORDER BY 1"),
                    _all(c, "SELECT author_id, full_name FROM authors ORDER BY 1"),
                    _all(c, "SELECT patron_id, card_number, first_name, last_name FROM patrons ORDER BY 1"),
                    _all(c, "SELECT loan_id, copy_id, patron_id, checkout_at, due_at FROM loans ORDER BY 1"))
    a, b = snapshot(DB_A), snapshot(DB_B)
    assert a[0] == b[0] and len(a[0]) == 200
    assert a[1:3] == b[1:3]
    if loaded[DB_A]["history_ends"] == loaded[DB_B]["history_ends"]:  # both loaded on the same day
        assert a[3] == b[3]


def test_loading_twice_into_one_database_is_refused(loaded, admin_url, names):
    with pytest.raises(RuntimeError, match="demo users already present"):
        demo.load(_url(admin_url, names[0]), "demo", progress=False)


def test_the_load_builds_a_search_document_per_title_with_its_indexes_and_statistics(conn):
    # the bulk rows bypass the triggers: the load rebuilds the documents, the GIN index and analyses them
    assert _one(conn, "SELECT COUNT(*) FROM materials") == _one(conn, "SELECT COUNT(*) FROM search_documents")
    assert _one(conn, "SELECT COUNT(*) FROM search_documents d WHERE d.authors IS DISTINCT FROM "
                      "(SELECT string_agg(a.full_name, '; ' ORDER BY ma.author_order, a.full_name) "
                      "FROM material_authors ma JOIN authors a ON a.author_id = ma.author_id "
                      "WHERE ma.material_id = d.material_id)") == 0
    assert _one(conn, "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'search_documents' "
                      "AND indexname = 'search_documents_document_i'") == 1
    assert _one(conn, "SELECT reltuples FROM pg_class WHERE relname = 'search_documents'") > 0  # analysed
