"""The vocabulary the screens offer: the rows of the reference tables (database/009_vocabulary.sql) and the
error catalog's overridable flag, read from the database rather than listed here."""
from __future__ import annotations

from datalayer.session import Session

# the tables a screen may list (their names go into the SQL text: never a caller's string)
TABLES = frozenset({"material_types", "patron_categories", "patron_statuses", "copy_statuses", "loan_statuses",
                    "hold_statuses", "fine_types", "fine_statuses", "payment_methods"})


def choices(s: Session, table: str, flag: str | None = None) -> list[dict]:
    """code and label of every row of a vocabulary table in screen order (only those whose flag is Y)."""
    if table not in TABLES or (flag is not None and not flag.isidentifier()):
        raise ValueError(f"not a vocabulary table: {table}")
    where = f" WHERE {flag} = 'Y'" if flag else ""
    return s.rows(f"SELECT code, label FROM {table}{where} ORDER BY sort_order, code")


def overridable(s: Session, error_name: str) -> bool:
    """Whether CIRC_OVERRIDE may pass this refusal (app_errors.overridable)."""
    return s.scalar("SELECT COUNT(*) FROM app_errors WHERE name = :n AND overridable = 'Y'", {"n": error_name}) == 1


def labels(s: Session) -> dict[str, dict[str, str]]:
    """{table: {code: label}} of every vocabulary table a screen may list, in one query."""
    union = " UNION ALL ".join(f"SELECT '{t}' AS tbl, code, label FROM {t}" for t in sorted(TABLES))
    out: dict[str, dict[str, str]] = {t: {} for t in TABLES}
    for r in s.rows(union):
        out[r["tbl"]][r["code"]] = r["label"]
    return out
