"""The Oracle syntax gate (database/tooling/syntax_gate/): every project source passes, injected errors do not.

No database needed: the gate parses with sqlfluff's oracle dialect.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from database.tooling import syntax_gate
from database.tooling.syntax_gate import REPO_ROOT, check, default_paths, main

PROJECT_FILES = default_paths()


@pytest.fixture(autouse=True)
def _engine_markers():
    """Override tests/conftest.py's autouse fixture: these tests never touch a database."""


@pytest.fixture(scope="module")
def project_findings() -> dict[Path, list]:
    """One gate run over every project source (parallel, cached), findings grouped by file."""
    out: dict[Path, list] = {}
    for f in check(PROJECT_FILES):
        out.setdefault(f.path.resolve(), []).append(f)
    return out


# --------------------------------------------------------------------------------------------------
# (a) the project's own sources

def test_default_file_list_covers_the_oracle_sources():
    rel = {p.resolve().relative_to(REPO_ROOT).as_posix() for p in PROJECT_FILES}
    assert "database/install.sql" in rel and "database/uninstall.sql" in rel
    assert any(r.startswith("plsql/") and r.endswith(".pkb") for r in rel)
    assert not any(r.startswith("database/postgres/") or r.endswith(".postgres.sql") for r in rel)
    on_disk = {p.resolve().relative_to(REPO_ROOT).as_posix()
               for d in ("database", "plsql") for p in (REPO_ROOT / d).rglob("*")
               if p.suffix in (".sql", ".pks", ".pkb", ".trg") and "database/postgres/" not in p.as_posix()
                   and not p.name.endswith(".postgres.sql")}  # a migration's PostgreSQL text
    assert rel == on_disk  # no file skipped


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_project_file_passes_the_gate(path, project_findings):
    findings = project_findings.get(path.resolve(), [])
    assert not findings, "\n".join(map(str, findings)) + "\n(see plsql/SYNTAX_GATE.md)"


# --------------------------------------------------------------------------------------------------
# (b) injected errors are reported, naming the file and the line

GOOD_BODY = """\
CREATE OR REPLACE PACKAGE BODY lib_demo AS

    /** Count the active loans of a patron. */
    FUNCTION active_loans(p_patron_id IN loans.patron_id%TYPE) RETURN NUMBER IS
        l_n NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_n FROM loans WHERE patron_id = p_patron_id AND status = 'ACTIVE';
        RETURN l_n;
    END active_loans;

    PROCEDURE close_loan(p_loan_id IN NUMBER, p_force IN BOOLEAN DEFAULT FALSE) IS
        l_status loans.status%TYPE;
    BEGIN
        SELECT status INTO l_status FROM loans WHERE loan_id = p_loan_id FOR UPDATE;
        IF l_status = 'CLOSED' AND NOT p_force THEN
            RAISE_APPLICATION_ERROR(-20301, 'Loan ' || p_loan_id || ' is closed');
        END IF;
        FOR r IN (SELECT hold_id FROM holds WHERE loan_id = p_loan_id) LOOP
            UPDATE holds SET status = 'READY' WHERE hold_id = r.hold_id;
        END LOOP;
        CASE l_status
            WHEN 'ACTIVE' THEN UPDATE loans SET status = 'CLOSED' WHERE loan_id = p_loan_id;
            ELSE NULL;
        END CASE;
        MERGE INTO fines f
        USING (SELECT loan_id FROM loans WHERE loan_id = p_loan_id) s
        ON (f.loan_id = s.loan_id)
        WHEN MATCHED THEN UPDATE SET amount = 0
        WHEN NOT MATCHED THEN INSERT (loan_id, amount) VALUES (s.loan_id, 0);
    EXCEPTION
        WHEN NO_DATA_FOUND THEN
            RAISE_APPLICATION_ERROR(-20302, 'No loan ' || p_loan_id);
    END close_loan;

END lib_demo;
/
"""

# (name, text to replace, replacement, a line the gate must name: where the error is when the gate's own
# checks see it, else where the failing procedure or function starts; sqlfluff itself only names the
# first line of the CREATE statement)
INJECTED = [
    ("missing_end_if", "is closed');\n        END IF;", "is closed');\n        END;", 11),
    ("procedre", "    PROCEDURE close_loan", "    PROCEDRE close_loan", None),
    ("missing_then", "AND NOT p_force THEN", "AND NOT p_force", 11),
    ("missing_semicolon", "RETURN l_n;", "RETURN l_n", 8),
    ("missing_end_loop", "        END LOOP;\n", "", 11),
    ("assignment_with_equals", "SELECT COUNT(*) INTO l_n FROM loans WHERE patron_id = p_patron_id AND status = 'ACTIVE';",
     "l_n = 0;", 7),
    ("exception_misspelled", "    EXCEPTION\n", "    EXCEPTON\n", 11),
    ("merge_without_then", "WHEN MATCHED THEN UPDATE", "WHEN MATCHED UPDATE", 25),
    ("misspelled_in_select", "FROM loans WHERE loan_id = p_loan_id FOR UPDATE;", "FROM loans WHER loan_id = p_loan_id FOR UPDATE;", 14),
    ("keyword_named_argument", "UPDATE holds SET status = 'READY' WHERE hold_id = r.hold_id;",
     "DBMS_SCHEDULER.DROP_JOB(job_name => 'J', force => TRUE);", 19),
    ("unclosed_bracket", "WHERE loan_id = p_loan_id) LOOP", "WHERE loan_id = p_loan_id LOOP", 11),
    ("unterminated_string", "'Loan ' || p_loan_id", "'Loan || p_loan_id", None),
    ("function_without_return_type", "RETURN NUMBER IS\n        l_n", "IS\n        l_n", 4),
    ("end_label_mismatch", "END active_loans;", "END active_loan;", 9),
    ("missing_slash", "END lib_demo;\n/\n", "END lib_demo;\n", 1),
    ("end_case_missing", "        END CASE;\n", "", 11),
    ("select_without_into", "SELECT COUNT(*) INTO l_n FROM", "SELECT COUNT(*) FROM", 7),
    ("missing_comma_in_call", "RAISE_APPLICATION_ERROR(-20302, 'No loan '", "RAISE_APPLICATION_ERROR(-20302 'No loan '", 32),
    ("missing_loop_keyword", "WHERE loan_id = p_loan_id) LOOP", "WHERE loan_id = p_loan_id)", 11),
    ("spec_and_body_without_slash", "CREATE OR REPLACE PACKAGE BODY",
     "CREATE OR REPLACE PACKAGE lib_demo AS\n    FUNCTION active_loans(p_patron_id IN NUMBER) RETURN NUMBER;\n"
     "END lib_demo;\nCREATE OR REPLACE PACKAGE BODY", 4),
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_body_passes(tmp_path):
    path = _write(tmp_path, "lib_demo.pkb", GOOD_BODY)
    assert check([path]) == []


@pytest.mark.parametrize("name,old,new,line", INJECTED, ids=[c[0] for c in INJECTED])
def test_injected_error_is_reported(tmp_path, name, old, new, line):
    assert old in GOOD_BODY
    path = _write(tmp_path, f"{name}.pkb", GOOD_BODY.replace(old, new, 1))
    findings = check([path])
    assert findings, f"{name}: not caught"
    assert all(f.path == path for f in findings)
    assert name in str(findings[0])  # the message names the file
    if line is not None:
        assert line in {f.line for f in findings}, "\n".join(map(str, findings))


def test_injected_error_in_a_big_package_is_located(tmp_path):
    """Packages of SPLIT_MIN_LINES lines or more are parsed per subprogram: the failing one is named."""
    filler = "".join(
        f"    PROCEDURE p{i}(p_id IN NUMBER) IS\n    BEGIN\n        UPDATE t SET a = {i} WHERE id = p_id;\n"
        f"    END p{i};\n\n" for i in range(15))
    body = GOOD_BODY.replace("END lib_demo;", filler + "END lib_demo;")
    assert len(body.splitlines()) >= syntax_gate.SPLIT_MIN_LINES
    path = _write(tmp_path, "big.pkb", body)
    assert check([path]) == []
    bad = _write(tmp_path, "big_bad.pkb", body.replace("SET a = 7 WHERE", "SET a = 7 WHER"))
    findings = check([bad])
    assert any("inside p7" in f.message for f in findings), "\n".join(map(str, findings))
    bad_line = next(n for n, l in enumerate(body.splitlines(), 1) if "PROCEDURE p7(" in l)
    assert bad_line in {f.line for f in findings}


# --------------------------------------------------------------------------------------------------
# SQL*Plus handling

INSTALL = """\
-- install script
WHENEVER SQLERROR EXIT SQL.SQLCODE ROLLBACK
SET DEFINE OFF
SET ECHO OFF
set serveroutput on size unlimited
PROMPT == tables
prompt it's lower case
@@010_t.sql
@@pkg.pks
REM done
"""


def test_sqlplus_script_passes(tmp_path):
    _write(tmp_path, "010_t.sql", "CREATE TABLE t (a NUMBER(18), CONSTRAINT t_pk PRIMARY KEY (a));\n")
    _write(tmp_path, "pkg.pks", "CREATE OR REPLACE PACKAGE pkg AS\n    PROCEDURE p;\nEND pkg;\n/\nSHOW ERRORS\n")
    paths = [_write(tmp_path, "install.sql", INSTALL), tmp_path / "010_t.sql", tmp_path / "pkg.pks"]
    assert check(paths) == []


@pytest.mark.parametrize("name,text,line,words", [
    ("missing_include", INSTALL + "@@nope.sql\n", 11, "missing file"),
    ("bad_whenever", INSTALL.replace("EXIT SQL.SQLCODE", "EXTI SQL.SQLCODE"), 2, "WHENEVER"),
    ("slash_after_sql", "CREATE TABLE t (a NUMBER);\n/\n", 2, "runs the previous statement again"),
    ("no_semicolon", "CREATE TABLE t (a NUMBER)\n", 1, "never runs it"),
    ("missing_semicolon_between", "CREATE TABLE t (a NUMBER)\nCREATE INDEX t_i ON t (a);\n", 2, "missing ';'"),
    ("two_on_one_line", "COMMIT; COMMIT;\n", 1, "second statement"),
    ("blank_line_in_sql", "CREATE TABLE t (\n    a NUMBER,\n\n    b NUMBER\n);\n", 3, "blank line"),
    ("misspelled_table", "\n\nCREATE TABEL t (a NUMBER);\n", 3, "cannot parse"),
    ("block_without_slash", "BEGIN\n    NULL;\nEND;\nSELECT 1 FROM dual;\n", 1, "no '/' line"),
    ("unit_without_semicolon", "BEGIN\n    NULL;\nEND\n/\n", 3, "must end with ';'"),
    ("hidden_by_prompt_lexer", "BEGIN\n    PROMPT_TEXT := 1;\nEND;\n/\n", 1, ""),
    ("hidden_by_remark_lexer", "BEGIN\n    l_x := rem\n        + 1;\nEND;\n/\n", 2, "REMARK"),
    ("exit_in_script", "SELECT 1 FROM dual;\nEXIT\n", 2, "ends the whole session"),
    ("byte_order_mark", "\ufeffSELECT 1 FROM dual;\n", 1, "byte order mark"),
])
def test_sqlplus_layout_errors(tmp_path, name, text, line, words):
    path = _write(tmp_path, f"{name}.sql", text)
    findings = check([path])
    assert any(f.line == line and words in f.message for f in findings), "\n".join(map(str, findings))
    assert all(f.path == path for f in findings)


def test_line_numbers_survive_blanked_sqlplus_lines(tmp_path):
    path = _write(tmp_path, "x.sql", "SET DEFINE OFF\nPROMPT a\n\n@@x.sql\nSELECT 1 FROM dual WHER 1 = 1;\n")
    assert [f.line for f in check([path])] == [5]


def test_function_based_index_is_checked_in_parts(tmp_path):
    ok = _write(tmp_path, "ok.sql", "CREATE UNIQUE INDEX i ON t (\n    CASE WHEN a = 'X' THEN b END,\n"
                                     "    UPPER(c));\nCREATE INDEX j ON t (UPPER(a) DESC, b);\n")
    assert check([ok]) == []
    bad = _write(tmp_path, "bad.sql", "CREATE INDEX i ON t (\n    UPPER(a),\n    CASE WHEN a = 1 b END);\n")
    assert check([bad])


# --------------------------------------------------------------------------------------------------
# plsql/SYNTAX_GATE.md: what it says is rejected is rejected, and its rewrite passes

def _proc(decl: str, body: str) -> str:
    return (f"CREATE OR REPLACE PACKAGE BODY x AS\n    PROCEDURE p(p_id IN NUMBER) IS\n        {decl}\n"
            f"    BEGIN\n        {body}\n    END p;\nEND x;\n/\n")


GUIDE = [
    ("varchar2_char", _proc("l_m VARCHAR2(200 CHAR);", "NULL;"), _proc("l_m app_errors.message%TYPE;", "NULL;")),
    ("subtype", _proc("SUBTYPE t IS NUMBER;", "NULL;"), _proc("l_n NUMBER;", "NULL;")),
    ("keyword_named_argument", _proc("l_n NUMBER;", "DBMS_SCHEDULER.DROP_JOB(job_name => 'J', force => TRUE);"),
     _proc("l_n NUMBER;", "DBMS_SCHEDULER.DROP_JOB('J', TRUE);")),
    ("keyword_procedure_name",
     "CREATE OR REPLACE PACKAGE BODY x AS\n    PROCEDURE validate IS BEGIN NULL; END validate;\nEND x;\n/\n",
     "CREATE OR REPLACE PACKAGE BODY x AS\n    PROCEDURE validate_item IS BEGIN NULL; END validate_item;\nEND x;\n/\n"),
    ("qualified_exception", _proc("l_n NUMBER;", "NULL;\n    EXCEPTION WHEN lib_err.e_x THEN NULL;"),
     _proc("l_n NUMBER;", "NULL;\n    EXCEPTION WHEN NO_DATA_FOUND THEN NULL;")),
    ("savepoint", _proc("l_n NUMBER;", "SAVEPOINT s1;"), _proc("l_n NUMBER;", "COMMIT;")),
    ("tuple_update", _proc("l_n NUMBER;", "UPDATE t SET (a, b) = (SELECT 1, 2 FROM dual) WHERE id = p_id;"),
     _proc("l_n NUMBER;", "UPDATE t SET a = (SELECT 1 FROM dual), b = (SELECT 2 FROM dual) WHERE id = p_id;")),
    ("cursor_union", _proc("CURSOR c IS SELECT 1 AS a FROM dual UNION ALL SELECT 2 FROM dual;", "NULL;"),
     _proc("l_n NUMBER;", "FOR r IN (SELECT 1 AS a FROM dual UNION ALL SELECT 2 FROM dual) LOOP NULL; END LOOP;")),
    ("current_of", _proc("CURSOR c IS SELECT id FROM t FOR UPDATE;",
                         "FOR r IN c LOOP UPDATE t SET a = 1 WHERE CURRENT OF c; END LOOP;"),
     _proc("CURSOR c IS SELECT id FROM t FOR UPDATE;",
           "FOR r IN c LOOP UPDATE t SET a = 1 WHERE id = r.id; END LOOP;")),
    ("label", _proc("l_n NUMBER;", "<<done>> NULL;"), _proc("l_n NUMBER;", "NULL;")),
    ("q_quote", _proc("l_s VARCHAR2(10);", "l_s := q'[it's]';"), _proc("l_s VARCHAR2(10);", "l_s := 'it''s';")),
    ("identity_inline_pk", "CREATE TABLE t (id NUMBER(18) GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);\n",
     "CREATE TABLE t (id NUMBER(18) GENERATED BY DEFAULT AS IDENTITY, CONSTRAINT t_pk PRIMARY KEY (id));\n"),
    ("lock_table", _proc("l_n NUMBER;", "LOCK TABLE t IN EXCLUSIVE MODE;"),
     _proc("l_n NUMBER;", "SELECT COUNT(*) INTO l_n FROM t WHERE id = p_id FOR UPDATE;")),
    ("pipelined", "CREATE OR REPLACE PACKAGE x AS\n    TYPE t IS TABLE OF NUMBER;\n    FUNCTION f RETURN t PIPELINED;\n"
                  "END x;\n/\n",
     "CREATE OR REPLACE PACKAGE x AS\n    TYPE t IS TABLE OF NUMBER;\n    FUNCTION f RETURN t;\nEND x;\n/\n"),
    ("default_on_null", "CREATE TABLE t (a NUMBER DEFAULT ON NULL 0);\n", "CREATE TABLE t (a NUMBER DEFAULT 0 NOT NULL);\n"),
    ("view_read_only", "CREATE OR REPLACE VIEW v AS SELECT a FROM t WITH READ ONLY;\n",
     "CREATE OR REPLACE VIEW v AS SELECT a FROM t;\n"),
]


@pytest.mark.parametrize("name,rejected,rewrite", GUIDE, ids=[g[0] for g in GUIDE])
def test_guide_rule_holds(tmp_path, name, rejected, rewrite):
    assert check([_write(tmp_path, f"{name}_rejected.sql", rejected)]), "now accepted: update SYNTAX_GATE.md"
    findings = check([_write(tmp_path, f"{name}_rewrite.sql", rewrite)])
    assert findings == [], "\n".join(map(str, findings))


# --------------------------------------------------------------------------------------------------
# command line

def test_main_exit_codes(tmp_path, capsys):
    good = _write(tmp_path, "good.pkb", GOOD_BODY)
    bad = _write(tmp_path, "bad.pkb", GOOD_BODY.replace("RETURN l_n;", "RETURN l_n"))
    assert main([str(good)]) == 0
    assert main([str(good), str(bad)]) == 1
    assert "bad.pkb:8:" in capsys.readouterr().out
    assert main([str(tmp_path / "missing.sql")]) == 1
    assert main(["--jobs", "1", "--no-cache", str(tmp_path)]) == 1  # a folder expands to its files
