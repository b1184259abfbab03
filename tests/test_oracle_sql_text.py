"""The SQL text the Python code sends as-is to either engine must be valid Oracle too (no database needed).

The PostgreSQL suite cannot see Oracle-only failures of the read statements in the Python packages and the
job CLI, so every literal first argument of a Session read (`.rows(...)`, `.one(...)`, `.scalar(...)`)
is rendered here from the source (module constants and local assignments resolved, the Oracle branch of
an `... if s.engine == "oracle" else ...` taken, anything else replaced by a plausible fragment) and
checked: it parses with sqlfluff's oracle dialect, has none of the PostgreSQL-only forms Oracle rejects
(sqlfluff's oracle grammar accepts most of them), every SELECT has a FROM, and no bind variable or
column alias is an Oracle reserved word (ORA-01745 / ORA-00923).

Also: database/oracle_install.py splits the install scripts exactly as the syntax gate (SQL*Plus) does.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
import sqlfluff

from database import oracle_install
from database.tooling import syntax_gate

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(p for package in ("datalayer", "services", "api", "admin_ui", "server") for p in ROOT.glob(f"{package}/**/*.py")),
                  ROOT / "scripts" / "jobs.py", ROOT / "scripts" / "cli.py"])
READS = {"rows", "one", "scalar"}

# Oracle's reserved words (V$RESERVED_WORDS.RESERVED = 'Y'): not usable as bind names or bare aliases
RESERVED = set("""ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN COLUMN_VALUE
COMMENT COMPRESS CONNECT CREATE CURRENT DATE DECIMAL DEFAULT DELETE DESC DISTINCT DROP ELSE EXCLUSIVE EXISTS
FILE FLOAT FOR FROM GRANT GROUP HAVING IDENTIFIED IMMEDIATE IN INCREMENT INDEX INITIAL INSERT INTEGER INTERSECT
INTO IS LEVEL LIKE LOCK LONG MAXEXTENTS MINUS MLSLABEL MODE MODIFY NESTED_TABLE_ID NOAUDIT NOCOMPRESS NOT NOWAIT
NULL NUMBER OF OFFLINE ON ONLINE OPTION OR ORDER PCTFREE PRIOR PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID ROWNUM
ROWS SELECT SESSION SET SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE TABLE THEN TO TRIGGER UID UNION
UNIQUE UPDATE USER VALIDATE VALUES VARCHAR VARCHAR2 VIEW WHENEVER WHERE WITH""".split())

POSTGRES_ONLY = [
    (r"::", "a ::cast (use CAST(x AS type))"),
    (r"\bILIKE\b", "ILIKE (use UPPER(x) LIKE UPPER(:p))"),
    (r"\bLIMIT\b", "LIMIT (use FETCH FIRST n ROWS ONLY)"),
    (r"\bOFFSET\s+(?!(:\w+|\d+)\s+ROWS?\b)", "OFFSET without ROWS"),
    (r"\b(TRUE|FALSE)\b", "a TRUE/FALSE literal (no SQL BOOLEAN before 23ai)"),
    (r"\bFILTER\s*\(", "an aggregate FILTER clause"),
    (r"\bDISTINCT\s+ON\b", "DISTINCT ON"),
    (r"\bRETURNING\b", "RETURNING (python-oracledb needs RETURNING ... INTO out binds)"),
    (r"\b(FROM|JOIN)\s+\w+(\.\w+)?\s+AS\s+\w+", "AS before a table alias"),
    (r"\)\s+AS\s+\w+\s+(ON|JOIN|WHERE|LEFT|INNER|CROSS)\b", "AS before a subquery alias"),
    (r'"', "a double-quoted identifier"),
    (r"\b(NOW|STRING_AGG|ARRAY_AGG|DATE_TRUNC|TO_CHAR\s*\(\s*\w+\s*,\s*'[^']*'\s*,)\s*\(|\bINTERVAL\s+'",
     "a PostgreSQL function or interval literal"),
    (r"(=|<>|!=)\s*''", "a comparison with '' (NULL on Oracle)"),
]


# ---- rendering the SQL text from the source --------------------------------------------------------

def _fill(before: str) -> str:
    """A plausible SQL fragment for an unknown expression, from the SQL text before it."""
    tail = before.rstrip().upper()
    if re.search(r"\bIN$", tail):
        return "(:p0)"
    if re.search(r"\b(WHERE|AND|OR|ON|NOT|WHEN)$", tail):
        return "1 = 1"
    if re.search(r"\b(FROM|JOIN)$", tail):
        return "t"
    if re.search(r"(\bSELECT|\bBY|,|\()$", tail):
        return "x"
    if re.search(r"\b(FIRST|NEXT|OFFSET)$", tail):
        return "1"
    return ""


def _oracle_branch(node: ast.IfExp) -> ast.expr | None:
    """The Oracle side of `a if <...engine...> == "oracle" else b`, None when the test is not about the engine."""
    test = ast.unparse(node.test)
    if "engine" not in test and "oracle" not in test:
        return None
    if re.search(r"==\s*['\"]oracle['\"]", test) or re.search(r"!=\s*['\"]postgres", test):
        return node.body
    if re.search(r"!=\s*['\"]oracle['\"]", test) or re.search(r"==\s*['\"]postgres", test):
        return node.orelse
    return None


class Renderer:
    def __init__(self, module, scope: dict[str, ast.expr]):
        self.module, self.scope, self.depth = module, scope, 0

    def text(self, node: ast.expr, before: str = "") -> str:
        self.depth += 1
        try:
            if self.depth > 20:
                return _fill(before)
            return self._text(node, before)
        finally:
            self.depth -= 1

    def _text(self, node, before):
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else str(node.value)
        if isinstance(node, ast.JoinedStr):
            out = ""
            for part in node.values:
                out += self.text(part.value, before + out) if isinstance(part, ast.FormattedValue) else part.value
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.text(node.left, before)
            return left + self.text(node.right, before + left)
        if isinstance(node, ast.IfExp):
            return self.text(_oracle_branch(node) or node.body, before)
        if isinstance(node, ast.Name):
            if node.id in self.scope:
                return self.text(self.scope[node.id], before)
            value = getattr(self.module, node.id, None)
            if isinstance(value, str):
                return value
        return _fill(before)


def _assignments(func: ast.AST) -> dict[str, ast.expr]:
    """name -> the first expression assigned to it in a function (tuple unpacking included)."""
    out: dict[str, ast.expr] = {}
    for node in ast.walk(func):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            value = node.value
            if isinstance(value, ast.IfExp):
                value = _oracle_branch(value) or value.body
            if isinstance(target, ast.Name):
                out.setdefault(target.id, node.value)
            elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
                for t, v in zip(target.elts, value.elts):
                    if isinstance(t, ast.Name):
                        out.setdefault(t.id, v)
    return out


def _statements() -> list[tuple[str, str]]:
    found = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text())
        module = importlib.import_module(rel[:-3].replace("/", ".").removesuffix(".__init__"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in READS
                    and node.args):
                continue
            scope: dict[str, ast.expr] = {}
            up = parents.get(node)
            while up is not None:  # the innermost function's assignments win
                if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    scope = {**_assignments(up), **scope}
                up = parents.get(up)
            sql = Renderer(module, scope).text(node.args[0])
            if re.match(r"(?is)^\s*(SELECT|WITH)\b", sql):
                found.append((f"{rel}:{node.lineno}", sql))
    return sorted(set(found))


STATEMENTS = _statements()


@pytest.fixture(autouse=True)
def _engine_markers():
    """Override tests/conftest.py's autouse fixture: these tests never touch a database."""


def _bare(sql: str) -> str:
    """The SQL with comments removed and string literals blanked ('x', or '' for an empty one)."""
    sql = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)
    return re.sub(r"'(?:[^']|'')*'", lambda m: "''" if m.group(0) == "''" else "'x'", sql)


def _select_without_from(sql: str) -> bool:
    """Some SELECT (at any parenthesis depth) has no FROM before its level closes."""
    tokens = re.findall(r"\(|\)|\b(?:SELECT|FROM)\b", sql, re.I)
    open_selects: list[int] = []  # depth of each SELECT still waiting for its FROM
    depth = 0
    for tok in tokens:
        up = tok.upper()
        if up == "(":
            depth += 1
        elif up == ")":
            if open_selects and open_selects[-1] == depth:
                return True
            depth -= 1
        elif up == "SELECT":
            open_selects.append(depth)
        elif open_selects and open_selects[-1] == depth:
            open_selects.pop()
    return bool(open_selects)


def test_the_read_statements_are_found():
    places = {where.split(":")[0] for where, _ in STATEMENTS}
    assert len(STATEMENTS) > 60
    assert {"datalayer/reads/catalog.py", "services/accounts.py", "datalayer/reads/desk.py", "scripts/jobs.py"} <= places
    assert not any("{" in sql for _, sql in STATEMENTS)


@pytest.mark.parametrize("where,sql", STATEMENTS, ids=[w for w, _ in STATEMENTS])
def test_read_statement_is_oracle_sql(where, sql):
    bare = _bare(sql)
    problems = [label for pattern, label in POSTGRES_ONLY if re.search(pattern, bare, re.I)]
    if _select_without_from(bare):
        problems.append("a SELECT without FROM (Oracle needs FROM dual)")
    problems += [f"bind :{b} is an Oracle reserved word" for b in re.findall(r"(?<![:\w]):(\w+)", bare)
                 if b.upper() in RESERVED]
    problems += [f"alias {a} is an Oracle reserved word" for a in re.findall(r"\bAS\s+(\w+)\b(?!\s*\()", bare, re.I)
                 if a.upper() in RESERVED]
    # sqlfluff 4.5's oracle grammar lacks the 12c row-limiting OFFSET (FETCH FIRST/NEXT it knows)
    parsable = re.sub(r"(?i)\bOFFSET\s+(:\w+|\d+)\s+ROWS?\b", " ", bare)
    try:
        sqlfluff.parse(parsable, dialect="oracle")
    except Exception as exc:  # sqlfluff's APIParsingError names the unparsable section
        problems.append("sqlfluff: " + " ".join(str(exc).split())[:300])
    assert not problems, f"{where}: {problems}\n{' '.join(sql.split())}"


# ---- the Python installer splits the scripts as SQL*Plus (the syntax gate) does ---------------------

def _norm(text: str) -> str:
    return " ".join(text.split()).rstrip(";").strip()


@pytest.mark.parametrize("script", ["install.sql", "uninstall.sql", "install_jobs.sql", "uninstall_jobs.sql",
                                    "create_users.sql", "grants_oracle.sql"])
def test_oracle_install_splits_like_sqlplus(script):
    by_file: dict[Path, list[str]] = {}
    for source, stmt in oracle_install.statements(oracle_install.DATABASE_DIR / script):
        by_file.setdefault(source, []).append(_norm(stmt))
    assert by_file
    for source, got in by_file.items():
        units, _ = syntax_gate.split_sqlplus(source.read_text(), source)
        assert got == [_norm("\n".join(u.lines)) for u in units], source.name


def test_oracle_install_handles_sqlplus_forms(tmp_path):
    (tmp_path / "inc.sql").write_text("CREATE TABLE a (x NUMBER)\n/\n")
    (tmp_path / "main.sql").write_text(
        "SET DEFINE OFF\nSET TRANSACTION READ ONLY;\nREM note\npro hello\n@inc\nSTART inc.sql\n"
        "CREATE OR REPLACE\nPACKAGE p AS\n  x NUMBER;\nEND;\n/\n"
        "CREATE OR REPLACE EDITIONABLE TRIGGER t BEFORE INSERT ON a FOR EACH ROW\nBEGIN\n  NULL;\nEND;\n/\n"
        "SELECT 1 FROM dual;\n")
    got = [(src.name, _norm(s)) for src, s in oracle_install.statements(tmp_path / "main.sql")]
    assert got == [("main.sql", "SET TRANSACTION READ ONLY"), ("inc.sql", "CREATE TABLE a (x NUMBER)"),
                   ("inc.sql", "CREATE TABLE a (x NUMBER)"), ("main.sql", "CREATE OR REPLACE PACKAGE p AS x NUMBER; END"),
                   ("main.sql", "CREATE OR REPLACE EDITIONABLE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN NULL; END"),
                   ("main.sql", "SELECT 1 FROM dual")]
