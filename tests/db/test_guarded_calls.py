"""Session.call_guarded_many, the import's way of sending a batch of calls: each call's answer or the
refusal that undid it, in order, whatever the position of the refusals (on PostgreSQL the calls go in
one pipeline, and a refusal makes the server skip the rest, which are then sent again)."""
import pytest

from datalayer.session import DbError, Out
from tests.factories import unique

INVALID_GENRE_DATA = -20510
GENRE_NAME_TAKEN = -20508


def genre_names(db, names):
    if not names:
        return set()
    rows = db.rows("SELECT name FROM genres WHERE name IN (" + ", ".join(f":n{i}" for i in range(len(names))) + ")",
                   {f"n{i}": n for i, n in enumerate(names)})
    return {r["name"] for r in rows}


@pytest.mark.parametrize("pattern", ["ok", "bad", "ok bad ok", "bad ok", "ok bad", "bad bad ok bad bad",
                                     "ok ok ok bad ok ok ok", "taken ok taken"])
def test_each_call_answers_or_is_undone_alone(db, cataloger, pattern):
    taken = unique("Taken ")
    db.call("lib_catalog.add_genre", taken, None, Out(int))
    kinds = pattern.split()
    names = [unique("Genre ") if k == "ok" else (taken if k == "taken" else "  ") for k in kinds]
    answers = db.call_guarded_many("lib_catalog.add_genre", [(n, None, Out(int)) for n in names])
    assert len(answers) == len(kinds)
    for kind, answer in zip(kinds, answers):
        if kind == "ok":
            assert isinstance(answer, tuple) and answer[0] > 0
        else:
            assert isinstance(answer, DbError)
            assert answer.code == (GENRE_NAME_TAKEN if kind == "taken" else INVALID_GENRE_DATA)
    good = [n for k, n in zip(kinds, names) if k == "ok"]
    assert genre_names(db, good) == set(good)
    assert db.scalar("SELECT COUNT(*) FROM genres WHERE name = :n", {"n": taken}) == 1
    db.call("lib_catalog.add_genre", unique("After "), None, Out(int))  # the transaction goes on


def test_a_long_batch_with_scattered_refusals(db, cataloger):
    names = ["" if i % 7 == 3 else unique(f"Batch {i} ") for i in range(300)]
    answers = db.call_guarded_many("lib_catalog.add_genre", [(n, None, Out(int)) for n in names])
    refused = [i for i, a in enumerate(answers) if isinstance(a, DbError)]
    assert refused == [i for i in range(300) if i % 7 == 3]
    ids = [a[0] for a in answers if not isinstance(a, DbError)]
    assert len(set(ids)) == len(ids) == 300 - len(refused)
    assert genre_names(db, [n for n in names if n]) == {n for n in names if n}
    again = db.call_guarded_many("lib_catalog.add_genre", [(unique("Again "), None, Out(int)) for _ in range(20)])
    assert all(isinstance(a, tuple) for a in again)  # the session's statements survived the refusals


def test_an_empty_batch(db, cataloger):
    assert db.call_guarded_many("lib_catalog.add_genre", []) == []
