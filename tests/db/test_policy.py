"""lib_policy: the most specific circ_policies row for (branch, patron category, material type) wins."""
import pytest

from datalayer.session import DbError
from tests.factories import Factory


def _policy_for(db, branch_id, category, material_type):
    return db.fn("lib_policy.policy_for", branch_id, category, material_type)


def test_policy_for_prefers_the_row_naming_everything(db):
    f = Factory(db)
    b = f.branch()
    f.policy(branch_id=b)
    f.policy(branch_id=b, patron_category="ADULT")
    exact = f.policy(branch_id=b, patron_category="ADULT", material_type="BOOK")
    assert _policy_for(db, b, "ADULT", "BOOK") == exact


def test_policy_for_branch_match_beats_category_and_type_match(db):
    f = Factory(db)
    b = f.branch()
    by_branch = f.policy(branch_id=b)
    f.policy(patron_category="SENIOR", material_type="MAP")
    assert _policy_for(db, b, "SENIOR", "MAP") == by_branch


def test_policy_for_category_match_beats_type_match(db):
    f = Factory(db)
    b = f.branch()
    by_category = f.policy(branch_id=b, patron_category="CHILD")
    f.policy(branch_id=b, material_type="DVD")
    assert _policy_for(db, b, "CHILD", "DVD") == by_category


def test_policy_for_ignores_rows_for_other_values(db):
    f = Factory(db)
    b = f.branch()
    general = f.policy(branch_id=b)
    f.policy(branch_id=b, patron_category="CHILD")
    f.policy(branch_id=b, material_type="DVD")
    f.policy(branch_id=f.branch(), patron_category="ADULT", material_type="BOOK")
    assert _policy_for(db, b, "ADULT", "BOOK") == general


def test_policy_for_falls_back_to_the_library_wide_default(db):
    f = Factory(db)
    default = db.scalar("SELECT policy_id FROM circ_policies WHERE branch_id IS NULL "
                        "AND patron_category IS NULL AND material_type IS NULL")
    assert _policy_for(db, f.branch(), "ADULT", "BOOK") == default


def test_policy_for_raises_no_circ_policy_when_nothing_matches(db):
    f = Factory(db)
    # confine the library-wide default to another branch: nothing matches a new branch any more
    db.execute("UPDATE circ_policies SET branch_id = :b WHERE branch_id IS NULL AND patron_category IS NULL "
               "AND material_type IS NULL", {"b": f.branch()})
    with pytest.raises(DbError) as err:
        _policy_for(db, f.branch(), "STAFF", "MAP")
    assert err.value.code == -20114


def test_find_policy_returns_null_when_nothing_matches(db):
    f = Factory(db)
    db.execute("UPDATE circ_policies SET branch_id = :b WHERE branch_id IS NULL AND patron_category IS NULL "
               "AND material_type IS NULL", {"b": f.branch()})
    assert db.fn("lib_policy.find_policy", f.branch(), "STAFF", "MAP") is None


def test_policy_for_loan_uses_copy_branch_patron_category_and_material_type(db):
    f = Factory(db)
    b = f.branch()
    f.policy(branch_id=b)
    dvd_for_students = f.policy(branch_id=b, patron_category="STUDENT", material_type="DVD")
    patron = f.patron(category="STUDENT")
    copy = f.copy(material_id=f.material(material_type="DVD"), branch_id=b)
    assert db.fn("lib_policy.policy_for_loan", patron, copy) == dvd_for_students


def test_policy_for_loan_raises_patron_not_found(db):
    f = Factory(db)
    with pytest.raises(DbError) as err:
        db.fn("lib_policy.policy_for_loan", -1, f.copy())
    assert err.value.code == -20401


def test_policy_for_loan_raises_copy_not_found(db):
    f = Factory(db)
    with pytest.raises(DbError) as err:
        db.fn("lib_policy.policy_for_loan", f.patron(), -1)
    assert err.value.code == -20102
