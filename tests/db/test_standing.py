"""The patron's standing (lib_patrons.standing): one rule, in one order (the record's state: deleted,
suspended, expired; then the card's date; then the fines), applied by checkout, renewal and hold placement,
so the three refuse the same patron with the same code."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from datalayer.session import DbError, Out
from tests.db.desk import CirculationDesk
from tests.factories import today

ROOT = Path(__file__).resolve().parents[2]
CODES = {"PATRON_SUSPENDED": -20402, "PATRON_EXPIRED": -20403, "PATRON_INACTIVE": -20404,
         "PATRON_FINES_OVER_LIMIT": -20405, "MATERIAL_NOT_HOLDABLE": -20305}

# (status, card expired, fines over the policy's threshold) -> the one refusal, for every path
STATES = [
    ("DELETED", False, False, "PATRON_INACTIVE"),
    ("DELETED", True, True, "PATRON_INACTIVE"),
    ("SUSPENDED", False, False, "PATRON_SUSPENDED"),
    ("SUSPENDED", True, True, "PATRON_SUSPENDED"),
    ("EXPIRED", False, False, "PATRON_EXPIRED"),
    ("EXPIRED", False, True, "PATRON_EXPIRED"),
    ("ACTIVE", True, False, "PATRON_EXPIRED"),
    ("ACTIVE", True, True, "PATRON_EXPIRED"),
    ("ACTIVE", False, True, "PATRON_FINES_OVER_LIMIT"),
]


def _code(db, procedure, *args) -> int | None:
    """The code the call refuses with (None: it went through), rolled back to a savepoint either way."""
    try:
        with db.savepoint():
            db.call(procedure, *args)
    except DbError as exc:
        return exc.code
    return None


def _into_state(desk, patron, status, card_expired, fines) -> None:
    db = desk.db
    expires = today() - timedelta(days=1) if card_expired else today() + timedelta(days=365)
    db.execute("UPDATE patrons SET status = :s, expires_on = :e WHERE patron_id = :p",
               {"s": status, "e": expires, "p": patron})
    if fines:  # the desk's policy blocks at 10.00
        db.insert("fines", {"patron_id": patron, "fine_type": "MANUAL", "amount": Decimal("10.00")}, "fine_id")


@pytest.mark.parametrize("status, card_expired, fines, expected", STATES)
def test_checkout_renewal_and_hold_placement_refuse_a_patron_with_the_same_code(db, status, card_expired, fines,
                                                                              expected):
    desk = CirculationDesk(db)
    patron, material = desk.patron(), desk.f.material()
    loan_id, _ = db.call("lib_circulation.checkout", patron, desk.copy(material), None, None, None, None, Out(int), Out(datetime))
    _into_state(desk, patron, status, card_expired, fines)
    other_copy, other_title = desk.copy(), desk.f.material()

    got = {
        "checkout": _code(db, "lib_circulation.checkout", patron, other_copy, None, None, None, None, Out(int), Out(datetime)),
        "renewal": _code(db, "lib_circulation.renew", loan_id, Out(datetime), Out(int)),
        "hold": _code(db, "lib_holds.place", patron, other_title, None, Out(int), Out(int)),
    }
    assert got == dict.fromkeys(got, CODES[expected])
    # the first reason of the one rule, which lists every failing part in order
    reasons = db.fn("lib_patrons.standing", patron, Decimal("10"), returns=str)
    assert reasons.split(",")[0] == expected


def test_standing_lists_every_failing_part_in_order(db):
    desk = CirculationDesk(db)
    patron = desk.patron()
    _into_state(desk, patron, "SUSPENDED", True, True)
    assert db.fn("lib_patrons.standing", patron, Decimal("10"), returns=str) == \
        "PATRON_SUSPENDED,PATRON_EXPIRED,PATRON_FINES_OVER_LIMIT"
    assert db.fn("lib_patrons.standing", patron, None, returns=str) == "PATRON_SUSPENDED,PATRON_EXPIRED"
    assert db.fn("lib_patrons.standing", desk.patron(), Decimal("10"), returns=str) is None
    assert db.fn("lib_patrons.standing", -1, None, returns=str) == "PATRON_NOT_FOUND"


def test_hold_placement_weighs_the_fines_with_the_rest_of_the_standing_before_the_title(db):
    """Hold placement looked at the fines only after the title's holdability, unlike the other parts of the
    standing: a patron over the limit asking for a title that may not be held heard MATERIAL_NOT_HOLDABLE."""
    desk = CirculationDesk(db)
    patron = desk.patron()
    title = desk.f.material(material_type="MAP")
    desk.f.policy(branch_id=desk.branch, material_type="MAP", holdable="N")
    assert _code(db, "lib_holds.place", patron, title, None, Out(int), Out(int)) == CODES["MATERIAL_NOT_HOLDABLE"]
    _into_state(desk, patron, "ACTIVE", False, True)
    assert _code(db, "lib_holds.place", patron, title, None, Out(int), Out(int)) == CODES["PATRON_FINES_OVER_LIMIT"]


def test_only_the_standing_rule_refuses_for_the_patron_s_state():
    """No other package body decides a patron's standing by itself: the refusals of the state, the card and
    the fines are raised through lib_patrons.standing / check_standing alone."""
    for path in sorted((ROOT / "plsql").glob("*.pkb")):
        if path.name == "lib_patrons.pkb":
            continue
        text = path.read_text()
        for name in ("PATRON_SUSPENDED", "PATRON_EXPIRED", "PATRON_INACTIVE", "PATRON_FINES_OVER_LIMIT"):
            assert f"'{name}'" not in text, f"{path.name} names {name}: use lib_patrons.standing"
