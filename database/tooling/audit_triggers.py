"""The audit triggers, generated from one list of audited tables and the table DDL (the data dictionary).

Every table of the schema is either in AUDITED (one row trigger <table>_audit_trg writes every insert,
change and delete to audit_log with the actor, the time and the old and new values) or in EXEMPT with
the reason. The columns and their types come from the CREATE TABLE statements of the install files
(database/tooling/plsql_model.py reads them); the value helper of a column follows its type: NUMBER(n,2)
is money (lib_audit.old_money/new_money), other NUMBERs old_num/new_num, text old_txt/new_txt (or
old_secret/new_secret for a column listed as secret), DATE and TIMESTAMP old_date/new_date.

    scripts/ils audit-triggers            write plsql/audit_triggers.sql
    scripts/ils audit-triggers --check    exit 1 when the committed file is not what the DDL and the list make,
                                          or when a table or column is not covered

tests/test_audit_triggers.py runs the check in every test session.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from database.tooling.plsql_lexer import read_units
from database.tooling.plsql_model import Model, Table, build, words
from database.tooling.sources import REPO_ROOT

OUTPUT = REPO_ROOT / "plsql" / "audit_triggers.sql"
INSTALL_SCRIPT = REPO_ROOT / "database" / "install.sql"


@dataclass(frozen=True)
class Audit:
    """How one table is audited.

    quiet:  columns whose change alone does not fire the trigger (UPDATE OF the other columns); their
            values are still written when they change together with another column. Give the reason.
    secret: text columns never written: a change shows as name=***.
    note:   one line for the trigger's comment (why a column is quiet, what row_id holds).
    """
    quiet: tuple[str, ...] = ()
    secret: tuple[str, ...] = ()
    note: str = ""


# The audited tables. row_id of an audit row is the first primary key column when it is a number; the
# other key columns (and a text key) head the values of an UPDATE (lib_audit.key_txt/key_num).
AUDITED: dict[str, Audit] = {
    "users": Audit(quiet=("failed_logins", "last_login_at", "lockouts"), secret=("password_hash",),
                   note="The login bookkeeping (failed_logins, last_login_at, lockouts alone) is recorded as LOGIN "
                        "and LOGIN_FAILED events by lib_auth, so those updates do not fire this trigger; a lock "
                        "(account_locked, locked_until) does. The password hash is never written: a change shows "
                        "as password_hash=***."),
    "roles": Audit(),
    "permissions": Audit(),
    "user_roles": Audit(note="row_id is the user_id, role_id heads the values of an UPDATE."),
    "role_permissions": Audit(note="row_id is the role_id, permission_id heads the values of an UPDATE."),
    "role_requests": Audit(note="A role grant waiting for a second administrator: the request, its approval, "
                                "rejection or cancellation."),
    "branches": Audit(),
    "closed_days": Audit(),
    "closed_weekdays": Audit(),
    "patrons": Audit(),
    "genres": Audit(),
    "authors": Audit(),
    "materials": Audit(),
    "material_authors": Audit(note="row_id is the material_id, author_id heads the values of an UPDATE."),
    "copies": Audit(),
    "material_identifiers": Audit(),
    "material_subjects": Audit(note="row_id is the material_id, heading_order heads the values of an UPDATE."),
    "catalog_imports": Audit(quiet=("records_read", "created_count", "matched_count", "rejected_count",
                                    "copies_added", "finished_at"),
                             note="An import's upload, start and end; its progress (the counts alone, one "
                                  "change per record read) is not audited: the report rows and the records "
                                  "it writes are."),
    "circ_policies": Audit(),
    "copy_inspections": Audit(),
    "loans": Audit(),
    "holds": Audit(),
    "transits": Audit(),
    "fines": Audit(),
    "payments": Audit(),
    "notices": Audit(),
    "notice_items": Audit(note="row_id is the notice_id, loan_id heads the values of an UPDATE."),
    "notice_templates": Audit(note="A text key: row_id is NULL, notice_type and language_code head the values of "
                                   "an UPDATE."),
    "notice_preferences": Audit(note="row_id is the patron_id, notice_type heads the values of an UPDATE."),
    "app_settings": Audit(note="A text key: row_id is NULL, name heads the values of an UPDATE."),
    "app_errors": Audit(),
    **{name: Audit(note="The vocabulary (009_vocabulary.sql), a text key: row_id is NULL, code heads the values of "
                        "an UPDATE.")
       for name in ("material_types", "patron_categories", "patron_statuses", "copy_statuses", "loan_statuses",
                    "hold_statuses", "fine_types", "fine_statuses", "payment_methods", "condition_grades")},
    "jobs": Audit(note="A text key: row_id is NULL, job_name heads the values of an UPDATE."),
    "user_sessions": Audit(quiet=("last_seen_at",), secret=("key_hash",),
                           note="Sign-in sessions: opened (the INSERT of a login comes before its user acts, so "
                                "its actor is the caller of the login, usually none; the users LOGIN event names "
                                "the session), ended and removed. last_seen_at alone is the touch of "
                                "lib_session.set_actor every five minutes: not audited, so sessions in use do not "
                                "flood the trail. The key's hash is never written."),
}

# Tables without an audit trigger, each with the reason.
EXEMPT: dict[str, str] = {
    "audit_log": "the audit trail itself: append-only (audit_log_append_only_trg in plsql/triggers.sql)",
    "schema_version": "the install and upgrade history, written only by the installers as the schema owner",
    "search_documents": "derived data: each title's search text, rewritten by lib_search from materials, material_authors "
                        "and authors, whose own triggers audit every change",
    "catalog_import_records": "a log itself: the per-record report of an import (lib_imports); the titles, copies "
                              "and patrons an import writes are audited by their own triggers",
    "job_runs": "a log itself: one row per nightly job run with its times, counts and outcome, written by lib_jobs",
}

HEADER = """\
-- audit_triggers.sql: GENERATED by database/tooling/audit_triggers.py from its list of audited tables and
-- the table DDL. Do not edit: change the list or the DDL, then run `scripts/ils audit-triggers`
-- (tests/test_audit_triggers.py fails when this file, the list and the schema disagree).
-- Thin triggers, one per audited table for its row changes. An insert writes its audit row itself, the
-- values inline (a bulk load's cost is its inserts' triggers: no call per column, none of log_change); a
-- change or a delete makes one call to lib_audit.log_change, passing the key and the changed values built
-- from :OLD and :NEW with the lib_audit helpers. A row trigger never queries its own table (ORA-04091): it
-- and lib_audit only insert into audit_log. The calls are function calls in an IF whose result is ignored:
-- ora2pg translates triggers in a pass that does not know the package procedures, so a procedure call
-- would not become CALL on PostgreSQL, and plpgsql_check refuses a variable that is assigned and never read.
"""


class AuditListError(ValueError):
    """The list and the DDL disagree in a way the generator cannot write a trigger for."""


# ---- the data dictionary ---------------------------------------------------------------------------

def table_files(install_script: Path = INSTALL_SCRIPT) -> list[Path]:
    """The DDL files install.sql runs (database/*.sql, not the code, data or Oracle-only steps)."""
    from database import versioning
    return [f for f in versioning.install_files(install_script)
            if f.parent == install_script.parent and not re.search(r"(_data|_oracle|_views)\.sql$", f.name)]


def schema(sources: list[tuple[Path, str]] | None = None) -> dict[str, Table]:
    """The tables of the fresh install, by lower-case name."""
    if sources is None:
        sources = [(f, f.read_text(encoding="utf-8")) for f in table_files()]
    model: Model = build(sources)
    return {name.lower(): t for name, t in model.tables.items() if t.kind == "TABLE"}


def column_kind(table: str, column: str, type_words: str, audit: Audit) -> str:
    """The lib_audit helper family of a column: txt, secret, num, money or date."""
    base = type_words.split(" ")[0] if type_words else ""
    if column in audit.secret:
        if base not in ("VARCHAR2", "CHAR", "NVARCHAR2", "NCHAR"):
            raise AuditListError(f"{table}.{column}: a secret column must be text, not {type_words}")
        return "secret"
    if base in ("VARCHAR2", "CHAR", "NVARCHAR2", "NCHAR"):
        return "txt"
    if base == "NUMBER":
        return "money" if re.fullmatch(r"NUMBER\s*\(\s*\d+\s*,\s*2\s*\)", type_words) else "num"
    if base in ("DATE", "TIMESTAMP"):
        return "date"
    raise AuditListError(f"{table}.{column}: type {type_words or '(none)'} has no lib_audit helper; "
                         "add one to lib_audit and to database/tooling/audit_triggers.py")


# ---- the trigger text --------------------------------------------------------------------------------

def _columns(t: Table) -> list[str]:
    return [tok.text.lower() for tok in (t.columns or {}).values()]


def _type(t: Table, column: str) -> str:
    return words(t.types.get(column.upper(), []))


def trigger(name: str, t: Table, audit: Audit) -> str:
    columns = _columns(t)
    unknown = [c for c in (*audit.quiet, *audit.secret) if c not in columns]
    if unknown:
        raise AuditListError(f"{name}: the list names columns the table does not have: {', '.join(unknown)}")
    key = [c.lower() for c in t.primary_key]
    if not key:
        raise AuditListError(f"{name}: no primary key, so its audit rows could not name the row")
    kinds = {c: column_kind(name, c, _type(t, c), audit) for c in columns}
    row_id = key[0] if kinds[key[0]] == "num" else None
    key_parts = [c for c in key if c != row_id]
    for c in key_parts:
        if kinds[c] not in ("num", "txt"):
            raise AuditListError(f"{name}.{c}: a key column must be a number or text")
    trg = f"{name}_audit_trg"
    if len(trg) > 30:
        raise AuditListError(f"{trg}: longer than 30 bytes")

    update = "UPDATE"
    if audit.quiet:
        update += " OF " + ", ".join(c for c in columns if c not in audit.quiet)
    lines = [f"-- Audit trail of {name}: every insert, change and delete with the changed values."]
    if audit.note:
        lines += _wrap(audit.note, "-- ")
    lines += [f"CREATE OR REPLACE TRIGGER {trg}",
              f"AFTER INSERT OR {update} OR DELETE ON {name}",
              "FOR EACH ROW",
              "BEGIN",
              # an insert's row written here, its values inline (no helper call per column, no call of
              # log_change): a bulk load's cost is its inserts' triggers
              "    IF INSERTING THEN",
              "        INSERT INTO audit_log (occurred_at, actor_user_id, table_name, row_id, action, old_values,",
              "                               new_values)",
              f"        VALUES (lib_clock.now_utc(), lib_session.actor(), '{name}', "
              + (f":NEW.{row_id}" if row_id else "NULL") + ", 'INSERT',",
              "                NULL, lib_audit.values_text("]
    lines += _joined([_inserted(c, kinds[c]) for c in columns], "));", first=12, rest=12)
    lines += ["    ELSIF lib_audit.log_change(",
              f"        '{name}',",
              f"        NVL(:NEW.{row_id}, :OLD.{row_id})," if row_id else "        NULL,",
              "        CASE WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,"]
    # each list only when log_change reads it: the key and old values of an update, no new values of a delete
    if key_parts:
        lines.append("        CASE WHEN UPDATING THEN")
        lines += _joined([f"lib_audit.key_{kinds[c]}('{c}', :OLD.{c}, :NEW.{c})" for c in key_parts], " END,")
    else:
        lines.append("        NULL,")
    lines += _joined([f"lib_audit.old_{kinds[c]}('{c}', :OLD.{c}, :NEW.{c})" for c in columns], ",")
    lines.append("        CASE WHEN DELETING THEN NULL ELSE")
    lines += _joined([f"lib_audit.new_{kinds[c]}('{c}', :OLD.{c}, :NEW.{c})" for c in columns],
                     " END) IS NULL THEN")
    lines += ["        NULL;",
              "    END IF;",
              f"END {trg};",
              "/"]
    return "\n".join(lines) + "\n"


def _inserted(column: str, kind: str) -> str:
    """The value text of a column of an inserted row, as lib_audit.new_<kind> writes it when :OLD is NULL."""
    if kind == "txt":
        return f"CASE WHEN :NEW.{column} IS NULL THEN '' ELSE '{column}=' || :NEW.{column} || ';' END"
    if kind == "num":
        return f"CASE WHEN :NEW.{column} IS NULL THEN '' ELSE '{column}=' || TO_CHAR(:NEW.{column}) || ';' END"
    return f"lib_audit.new_{kind}('{column}', :OLD.{column}, :NEW.{column})"


def _joined(calls: list[str], end: str, first: int = 8, rest: int = 12) -> list[str]:
    """calls concatenated with ||, the first at `first` spaces, the others at `rest`, `end` after the last."""
    out = []
    for i, call in enumerate(calls):
        last = i == len(calls) - 1
        out.append((" " * (first if i == 0 else rest)) + call + (end if last else " ||"))
    return out


def _wrap(text: str, prefix: str, width: int = 110) -> list[str]:
    out, line = [], prefix
    for word in text.split():
        if len(line) + len(word) + 1 > width and line != prefix:
            out.append(line.rstrip())
            line = prefix
        line += word + " "
    out.append(line.rstrip())
    return out


def generate(tables: dict[str, Table] | None = None, audited: dict[str, Audit] = AUDITED) -> str:
    """The text of plsql/audit_triggers.sql: one trigger per audited table, in the order of the list."""
    tables = schema() if tables is None else tables
    missing = [n for n in audited if n not in tables]
    if missing:
        raise AuditListError(f"audited tables not in the DDL: {', '.join(missing)}")
    return HEADER + "".join("\n" + trigger(n, tables[n], a) for n, a in audited.items())


# ---- the coverage check of a trigger file --------------------------------------------------------------

_CALL = re.compile(r"lib_audit\.(old|new|key)_(\w+)\('(\w+)',:OLD\.(\w+),:NEW\.(\w+)\)", re.I)
# the inline value of an inserted row's column (_inserted), in a body without blanks
_INLINE = re.compile(r"CASEWHEN:NEW\.(\w+)ISNULLTHEN''ELSE'(\w+)='\|\|(TO_CHAR\()?:NEW\.(\w+)", re.I)


def triggers_in(text: str, path: Path = OUTPUT) -> dict[str, dict]:
    """The audit triggers of a source file: table -> {name, events, update_of, calls [(side, kind, column)]}."""
    found = {}
    for unit in read_units(text, path):
        toks = unit.tokens
        ups = [t.up for t in toks]
        if unit.kind != "PLSQL" or "TRIGGER" not in ups[:5] or "ON" not in ups:
            continue
        name = toks[ups.index("TRIGGER") + 1].text.lower()
        on = ups.index("ON")
        table = toks[on + 1].text.lower()
        head = " ".join(ups[ups.index("TRIGGER") + 2:on])
        body = "".join(t.text for t in toks[on + 2:])  # without blanks: lib_audit.old_num('x',:OLD.x,:NEW.x)
        if "LIB_AUDIT.LOG_CHANGE(" not in body.upper():
            continue
        update_of = None
        m = re.search(r"UPDATE OF (.*?) (OR|ON)\b", head + " ON")
        if m:
            update_of = {c.strip().lower() for c in m.group(1).replace(" , ", ",").split(",")}
        calls = []
        for c in _CALL.finditer(body):
            side, kind, col, old, new = (g.lower() for g in c.groups())
            calls.append((side, kind, col, old == col and new == col))
        for c in _INLINE.finditer(body):
            col, label, to_char, value = (g.lower() if g else g for g in c.groups())
            calls.append(("ins", "num" if to_char else "txt", col, label == col and value == col))
        found[table] = {"name": name, "head": head, "update_of": update_of, "calls": calls,
                        "row_only": "FOR EACH ROW" in " ".join(ups)}
    return found


def problems(tables: dict[str, Table], text: str, audited: dict[str, Audit] = AUDITED,
             exempt: dict[str, str] = EXEMPT) -> list[str]:
    """What is not covered: a table neither audited nor exempt, an audited table without its trigger, a
    column the trigger does not write on both sides with the helper of its type, a quiet column that is
    not a column."""
    out = []
    for name in sorted(tables):
        if name in audited and name in exempt:
            out.append(f"{name}: both audited and exempt")
        elif name not in audited and name not in exempt:
            out.append(f"{name}: a table neither audited nor exempt (database/tooling/audit_triggers.py)")
    for name in sorted(set(audited) | set(exempt)):
        if name not in tables:
            out.append(f"{name}: listed in database/tooling/audit_triggers.py but not a table of the DDL")
    for name, reason in exempt.items():
        if not reason.strip():
            out.append(f"{name}: exempt without a reason")
    found = triggers_in(text)
    for name in sorted(set(found) - set(audited)):
        out.append(f"{name}: an audit trigger on a table that is not in the audited list")
    for name, audit in audited.items():
        t = tables.get(name)
        if t is None:
            continue
        trg = found.get(name)
        if trg is None:
            out.append(f"{name}: no audit trigger")
            continue
        if not trg["row_only"] or not all(e in trg["head"] for e in ("INSERT", "UPDATE", "DELETE")):
            out.append(f"{name}: the trigger is not a row trigger on INSERT, UPDATE and DELETE")
        for column in _columns(t):
            try:
                kind = column_kind(name, column, _type(t, column), audit)
            except AuditListError as e:
                out.append(str(e))
                continue
            for side in ("old", "new"):
                if (side, kind, column, True) not in trg["calls"]:
                    out.append(f"{name}.{column}: not written by lib_audit.{side}_{kind} in {trg['name']}")
            # an insert's value: inline for text and numbers, else the helper once more (its other use is above)
            inline = kind in ("txt", "num")
            seen = trg["calls"].count(("ins", kind, column, True) if inline else ("new", kind, column, True))
            if (inline and seen == 0) or (not inline and seen == 1):
                out.append(f"{name}.{column}: an inserted row's value is not written in {trg['name']}")
            if trg["update_of"] is not None and column not in audit.quiet and column not in trg["update_of"]:
                out.append(f"{name}.{column}: a change of it alone does not fire {trg['name']} (UPDATE OF)")
    return out


def check(path: Path = OUTPUT) -> list[str]:
    """Drift and coverage of the committed trigger file; empty when all is well."""
    tables = schema()
    try:
        expected = generate(tables)
    except AuditListError as e:
        return [str(e)]
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    out = problems(tables, text)
    if text != expected:
        out.append(f"{path.relative_to(REPO_ROOT)} differs from what the list and the DDL make: "
                   "run `scripts/ils audit-triggers`")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="scripts/ils audit-triggers", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 on drift or a gap in coverage")
    args = ap.parse_args(argv)
    if args.check:
        found = check()
        for line in found:
            print(line)
        print(f"audit triggers: {len(found)} problem(s)", file=sys.stderr)
        return 1 if found else 0
    tables = schema()
    text = generate(tables)
    gaps = problems(tables, text)
    if gaps:
        for line in gaps:
            print(line)
        return 1
    changed = not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT.relative_to(REPO_ROOT)}: {len(AUDITED)} audit triggers ({'written' if changed else 'unchanged'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
