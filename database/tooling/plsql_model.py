"""The model the semantic check reads: what the Oracle sources declare, and where their code is.

PL/SQL units become sections of declarations (package spec, package body, a subprogram's locals, a
DECLARE block) holding subprograms (with their parameters) and items (variables, constants, cursors,
types, exceptions, loop variables), plus the token ranges of code with the section they resolve names
in and whether they are PL/SQL or SQL. SQL units give the tables and views with their columns (CREATE
TABLE, CREATE VIEW, then ALTER TABLE in load order) and the declared identifiers of the DDL.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from database.tooling.plsql_lexer import ID, OP, QID, STR, Token, Unit, read_units
from database.tooling.sources import REPO_ROOT, display  # noqa: F401  REPO_ROOT: the generators import it from here
SQL_START = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH"}
# what may follow a column's type in its definition
COLUMN_CLAUSES = {"DEFAULT", "NOT", "NULL", "CONSTRAINT", "GENERATED", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES",
                  "COLLATE", "ENCRYPT", "VISIBLE", "INVISIBLE", "AS", "SORT"}
ROUTINE_OPTIONS = {"IS", "AS", "DETERMINISTIC", "PIPELINED", "PARALLEL_ENABLE", "RESULT_CACHE", "AUTHID",
                   "ACCESSIBLE", "SHARING", "AGGREGATE", "USING"}


# --------------------------------------------------------------------------------------------------
# The model: declarations in sections (scopes), tables and views.

@dataclass(eq=False)
class Section:
    """A declarative part: a package spec or body, a subprogram's locals, a DECLARE block."""
    level: str                       # SPEC, BODY (package body), LOCAL (subprogram or block), TOP
    unit: "PlsqlUnit"
    parent: "Section | None"
    package: str | None = None
    decls: list = field(default_factory=list)


@dataclass(eq=False)
class Param:
    name: Token
    mode: str
    type_toks: list[Token]
    default_toks: list[Token] | None


@dataclass(eq=False)
class Item:
    """A variable, constant, exception, cursor, type, parameter or loop variable."""
    kind: str
    name: Token
    start: int
    section: Section


@dataclass(eq=False)
class Routine:
    kind: str                        # PROCEDURE or FUNCTION
    name: Token
    params: list[Param]
    return_toks: list[Token] | None
    start: int
    section: Section
    forward: bool                    # a declaration without body (spec entry or forward declaration)
    public: bool = False             # a package body routine that implements a spec routine

    def signature(self) -> tuple:
        return (self.kind, tuple((p.name.up, p.mode, words(p.type_toks),
                                  None if p.default_toks is None else words(p.default_toks))
                                 for p in self.params),
                None if self.return_toks is None else words(self.return_toks))

    def shown(self) -> str:
        params = ", ".join(f"{p.name.text} {p.mode} {words(p.type_toks)}"
                           + ("" if p.default_toks is None else f" DEFAULT {words(p.default_toks)}")
                           for p in self.params)
        ret = "" if self.return_toks is None else f" RETURN {words(self.return_toks)}"
        return f"{self.kind} {self.name.text}({params}){ret}"


def words(toks: list[Token]) -> str:
    """Tokens as one normalised text (upper case, spaces only between words)."""
    out = ""
    for t in toks:
        s = t.text if t.kind == STR else t.up
        if out and out[-1] not in ".%(" and s not in (".", "%", ")", ","):
            out += " "
        out += s
    return out


@dataclass(eq=False)
class Table:
    name: Token
    kind: str                                 # TABLE or VIEW
    columns: dict[str, Token] | None          # None: not known (CREATE TABLE AS SELECT, SELECT *)
    types: dict[str, list[Token]] = field(default_factory=dict)  # column -> declared type (tables)
    primary_key: list[str] = field(default_factory=list)         # key columns in order (upper case)


@dataclass(eq=False)
class PlsqlUnit:
    unit: Unit
    kind: str                                 # PACKAGE, PACKAGE BODY, PROCEDURE, FUNCTION, TRIGGER, BLOCK, OTHER
    name: Token | None = None
    top: Section | None = None
    code: list = field(default_factory=list)  # (start, end, section, "PLSQL"|"SQL") ranges of code
    types: list = field(default_factory=list)  # (type tokens, section, position) of declarations
    routines: list = field(default_factory=list)


@dataclass
class Model:
    tables: dict[str, Table] = field(default_factory=dict)
    specs: dict[str, PlsqlUnit] = field(default_factory=dict)
    bodies: dict[str, PlsqlUnit] = field(default_factory=dict)
    plsql: list[PlsqlUnit] = field(default_factory=list)
    sql_code: list = field(default_factory=list)    # (Unit, start, end) SQL outside PL/SQL (views, DML)
    names: list = field(default_factory=list)       # (Token, path, what) declared identifiers


# --------------------------------------------------------------------------------------------------
# Token helpers

def match_paren(toks: list[Token], i: int) -> int:
    """Index of the bracket closing the '(' at i (len(toks) when unbalanced)."""
    depth = 0
    for k in range(i, len(toks)):
        t = toks[k].text
        if toks[k].kind == OP:
            if t == "(":
                depth += 1
            elif t == ")":
                depth -= 1
                if depth == 0:
                    return k
    return len(toks)


def until(toks: list[Token], i: int, stops: set[str]) -> int:
    """Index of the first token at bracket depth 0 from i whose text/word is in stops."""
    depth = 0
    for k in range(i, len(toks)):
        t = toks[k]
        if t.kind == OP and t.text == "(":
            depth += 1
        elif t.kind == OP and t.text == ")":
            depth -= 1
        elif depth <= 0 and ((t.kind == OP and t.text in stops) or (t.kind == ID and t.up in stops)):
            return k
    return len(toks)


def split_args(toks: list[Token], start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the comma-separated parts of toks[start:end] at depth 0."""
    parts, depth, s = [], 0, start
    for k in range(start, end):
        t = toks[k]
        if t.kind == OP:
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth -= 1
            elif t.text == "," and depth == 0:
                parts.append((s, k))
                s = k + 1
    if end > s:
        parts.append((s, end))
    return parts


def is_word(t: Token | None, *words: str) -> bool:
    return t is not None and t.kind in (ID, OP) and t.up in words


def is_name(t: Token | None) -> bool:
    return t is not None and t.kind in (ID, QID)


# --------------------------------------------------------------------------------------------------
# PL/SQL units: declarations, subprograms, code ranges

class PlsqlParser:
    def __init__(self, unit: Unit, model: Model):
        self.t = unit.tokens
        self.n = len(self.t)
        self.model = model
        self.pu = PlsqlUnit(unit, "OTHER")

    def tok(self, i: int) -> Token | None:
        return self.t[i] if 0 <= i < self.n else None

    def declare(self, tok: Token, what: str) -> None:
        self.model.names.append((tok, self.pu.unit.path, what))

    def parse(self) -> PlsqlUnit:
        t, pu = self.t, self.pu
        if is_word(self.tok(0), "DECLARE", "BEGIN"):
            pu.kind = "BLOCK"
            pu.top = Section("LOCAL", pu, None)  # what a block declares is local to it
            self.block(0, pu.top)
            return pu
        i = 1
        while i < self.n and t[i].up in ("OR", "REPLACE", "EDITIONABLE", "NONEDITIONABLE", "EDITIONING"):
            i += 1
        obj = self.tok(i)
        if obj is None:
            return pu
        if obj.up == "PACKAGE":
            body = is_word(self.tok(i + 1), "BODY")
            i += 2 if body else 1
            i, name = self.qualified_name(i)
            if name is None:
                return pu
            pu.kind, pu.name = ("PACKAGE BODY" if body else "PACKAGE"), name
            if not body:
                self.declare(name, "package")
            pu.top = Section("BODY" if body else "SPEC", pu, None, package=name.up)
            i = until(t, i, {"IS", "AS"}) + 1
            i = self.decls(i, pu.top, {"BEGIN", "END"})
            if is_word(self.tok(i), "BEGIN"):
                self.exec_part(i, pu.top)
        elif obj.up in ("PROCEDURE", "FUNCTION"):
            pu.kind = obj.up
            pu.top = Section("TOP", pu, None)
            r, _ = self.routine(i, pu.top)
            pu.name = r.name if r else None
        elif obj.up == "TRIGGER":
            i, name = self.qualified_name(i + 1)
            pu.kind, pu.name = "TRIGGER", name
            if name is not None:
                self.declare(name, "trigger")
            on = until(t, i, {"ON"})
            if any(tk.up == "COMPOUND" for tk in t[i:on + 6] if tk.kind == ID):
                return pu  # compound triggers: not modelled
            k = until(t, i, {"DECLARE", "BEGIN"})
            pu.top = Section("LOCAL", pu, None)
            if k < self.n:
                self.block(k, pu.top)
        return pu

    def qualified_name(self, i: int) -> tuple[int, Token | None]:
        """schema.name or name at i: (index after it, the last part)."""
        if not is_name(self.tok(i)):
            return i, None
        name = self.t[i]
        i += 1
        while is_word(self.tok(i), ".") and is_name(self.tok(i + 1)):
            name = self.t[i + 1]
            i += 2
        return i, name

    def block(self, i: int, section: Section) -> int:
        """[DECLARE decls] BEGIN ... END at i; returns the index after the END."""
        if is_word(self.tok(i), "DECLARE"):
            i = self.decls(i + 1, section, {"BEGIN"})
        if not is_word(self.tok(i), "BEGIN"):
            return i
        return self.exec_part(i, section) + 1

    # ---- declarations

    def decls(self, i: int, section: Section, stops: set[str]) -> int:
        t = self.t
        while i < self.n and not (t[i].kind == ID and t[i].up in stops):
            tk = t[i]
            if tk.kind == ID and tk.up in ("PROCEDURE", "FUNCTION"):
                _, i = self.routine(i, section)
                continue
            end = until(t, i, {";"})
            if tk.kind == ID and tk.up == "CURSOR" and is_name(self.tok(i + 1)):
                name = t[i + 1]
                section.decls.append(Item("CURSOR", name, i, section))
                self.declare(name, "cursor")
                j = i + 2
                if is_word(self.tok(j), "("):
                    close = match_paren(t, j)
                    cur_sec = Section("LOCAL", self.pu, section)
                    for p in self.params(j, close, cur_sec):
                        cur_sec.decls.append(Item("PARAM", p.name, i, cur_sec))  # they scope its query only
                    j = close + 1
                else:
                    cur_sec = section
                if is_word(self.tok(j), "RETURN"):
                    k = until(t, j, {"IS", ";"})
                    self.pu.types.append((t[j + 1:k], section, i))
                    j = k
                if is_word(self.tok(j), "IS"):
                    self.pu.code.append((j + 1, end, cur_sec, "SQL"))
            elif tk.kind == ID and tk.up in ("TYPE", "SUBTYPE") and is_name(self.tok(i + 1)):
                section.decls.append(Item(tk.up, t[i + 1], i, section))
                self.declare(t[i + 1], "type")
                self.pu.types.append((t[i + 2:end], section, i))
            elif tk.kind == ID and tk.up == "PRAGMA":
                pass
            elif is_name(tk):
                j = i + 1
                kind = "VARIABLE"
                if is_word(self.tok(j), "EXCEPTION"):
                    kind = "EXCEPTION"
                elif is_word(self.tok(j), "CONSTANT"):
                    kind, j = "CONSTANT", j + 1
                section.decls.append(Item(kind, tk, i, section))
                self.declare(tk, kind.lower())
                if kind != "EXCEPTION":
                    d = until(t, j, {":=", "DEFAULT", ";"})
                    self.pu.types.append((t[j:min(d, until(t, j, {"NOT"}))], section, i))
                    if d < end and t[d].up in (":=", "DEFAULT"):
                        self.pu.code.append((d + 1, end, section, "PLSQL"))
            i = end + 1
        return i

    def params(self, open_i: int, close_i: int, section: Section) -> list[Param]:
        t, out = self.t, []
        for s, e in split_args(t, open_i + 1, close_i):
            if s >= e or not is_name(t[s]):
                continue
            name, k = t[s], s + 1
            mode = "IN"
            if is_word(self.tok(k), "IN"):
                k += 1
                if is_word(self.tok(k), "OUT"):
                    mode, k = "IN OUT", k + 1
            elif is_word(self.tok(k), "OUT"):
                mode, k = "OUT", k + 1
            if is_word(self.tok(k), "NOCOPY"):
                k += 1
            d = until(t, k, {":=", "DEFAULT"})
            d = min(d, e)
            default = t[d + 1:e] if d < e else None
            out.append(Param(name, mode, t[k:d], default))
            self.declare(name, "parameter")
            self.pu.types.append((t[k:d], section, s))
            if default:
                self.pu.code.append((d + 1, e, section, "PLSQL"))
        return out

    def routine(self, i: int, section: Section) -> tuple[Routine | None, int]:
        """PROCEDURE/FUNCTION at i, declared in section: (the routine, index after it)."""
        t = self.t
        kind = t[i].up
        j, name = self.qualified_name(i + 1)
        if name is None:
            return None, until(t, i, {";"}) + 1
        own = Section("LOCAL", self.pu, section, package=section.package)
        params: list[Param] = []
        if is_word(self.tok(j), "("):
            close = match_paren(t, j)
            params = self.params(j, close, own)
            j = close + 1
        ret = None
        if kind == "FUNCTION" and is_word(self.tok(j), "RETURN"):
            k = until(t, j + 1, ROUTINE_OPTIONS | {";"})
            ret = t[j + 1:k]
            self.pu.types.append((ret, section, i))
            j = k
        j = until(t, j, {"IS", "AS", ";"})
        forward = not is_word(self.tok(j), "IS", "AS")
        r = Routine(kind, name, params, ret, i, section, forward)
        section.decls.append(r)
        self.pu.routines.append(r)
        self.declare(name, kind.lower())
        for p in params:
            own.decls.append(Item("PARAM", p.name, i, own))
        if forward:
            return r, j + 1
        if is_word(self.tok(j + 1), "LANGUAGE", "EXTERNAL"):
            return r, until(t, j, {";"}) + 1
        j = self.decls(j + 1, own, {"BEGIN"})
        if not is_word(self.tok(j), "BEGIN"):
            return r, j
        end = self.exec_part(j, own)
        return r, until(t, end, {";"}) + 1

    # ---- executable parts

    def exec_part(self, i: int, section: Section) -> int:
        """BEGIN at i: records the code range (nested DECLARE blocks get their own section); returns the
        index of the END that closes it."""
        t, n = self.t, self.n
        stack = [("BEGIN", section, i)]
        k = i + 1
        while k < n:
            tk = t[k]
            if tk.kind == ID:
                u = tk.up
                after_end = k > 0 and t[k - 1].kind == ID and t[k - 1].up == "END"
                if u == "BEGIN":
                    stack.append(("BEGIN", stack[-1][1], k))
                elif u == "DECLARE":
                    inner = Section("LOCAL", self.pu, stack[-1][1], package=section.package)
                    k = self.decls(k + 1, inner, {"BEGIN"})
                    stack.append(("BEGIN", inner, k))
                elif u in ("IF", "LOOP", "CASE") and not after_end:
                    stack.append((u, stack[-1][1], k))
                elif u == "FOR" and is_name(self.tok(k + 1)) and is_word(self.tok(k + 2), "IN"):
                    loop_var = t[k + 1]
                    stack[-1][1].decls.append(Item("LOOPVAR", loop_var, k, stack[-1][1]))
                    self.declare(loop_var, "loop variable")
                elif u == "END":
                    what, sec, start = stack.pop()
                    if what == "BEGIN" and (sec is not (stack[-1][1] if stack else None)):
                        self.pu.code.append((start + 1, k, sec, "PLSQL"))
                    if not stack:
                        return k
            k += 1
        return n

    def sql_ranges(self) -> None:
        """Mark the SQL statements inside the PL/SQL code ranges."""
        t = self.t
        found = []
        for start, end, sec, ctx in self.pu.code:
            if ctx != "PLSQL":
                continue
            k = start
            while k < end:
                tk = t[k]
                if tk.kind == ID and tk.up in SQL_START and not is_word(self.tok(k - 1), "."):
                    if is_word(self.tok(k - 1), "("):
                        stop = match_paren(t, k - 1)
                    else:
                        stop = until(t, k, {";"})
                    stop = min(stop, end)
                    found.append((k, stop, sec, "SQL"))
                    k = stop
                k += 1
        self.pu.code.extend(found)


# --------------------------------------------------------------------------------------------------
# SQL units: tables, views, indexes and the rest of the DDL

class SqlReader:
    def __init__(self, unit: Unit, model: Model):
        self.u, self.t, self.model = unit, unit.tokens, model

    def tok(self, i: int) -> Token | None:
        return self.t[i] if 0 <= i < len(self.t) else None

    def declare(self, tok: Token, what: str) -> None:
        self.model.names.append((tok, self.u.path, what))

    def name_at(self, i: int) -> tuple[int, Token | None]:
        if not is_name(self.tok(i)):
            return i, None
        name, i = self.t[i], i + 1
        while is_word(self.tok(i), ".") and is_name(self.tok(i + 1)):
            name, i = self.t[i + 1], i + 2
        return i, name

    def read(self) -> None:
        t = self.t
        if not t:
            return
        head = t[0].up
        if head in ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH"):
            self.model.sql_code.append((self.u, 0, len(t)))
            return
        if head == "ALTER" and is_word(self.tok(1), "TABLE"):
            self.alter_table()
            return
        if head != "CREATE":
            return
        i = 1
        while i < len(t) and t[i].up in ("OR", "REPLACE", "FORCE", "NOFORCE", "EDITIONING", "EDITIONABLE",
                                         "NONEDITIONABLE", "GLOBAL", "PRIVATE", "TEMPORARY", "SHARDED",
                                         "DUPLICATED", "IMMUTABLE", "BLOCKCHAIN", "UNIQUE", "BITMAP",
                                         "MULTIVALUE", "PUBLIC"):
            i += 1
        obj = self.tok(i)
        if obj is None:
            return
        if obj.up == "TABLE":
            self.create_table(i + 1)
        elif obj.up == "VIEW":
            self.create_view(i + 1)
        elif obj.up == "INDEX":
            _, name = self.name_at(i + 1)
            if name:
                self.declare(name, "index")
        elif obj.up in ("SEQUENCE", "SYNONYM"):
            _, name = self.name_at(i + 1)
            if name:
                self.declare(name, obj.up.lower())

    def key_columns(self, k: int, e: int, table: Table) -> None:
        """PRIMARY KEY (a, b) at k (out of line): the table's key columns."""
        if is_word(self.tok(k), "PRIMARY") and is_word(self.tok(k + 2), "("):
            close = min(match_paren(self.t, k + 2), e)
            table.primary_key = [self.t[a].up for a, b in split_args(self.t, k + 3, close) if a < b]

    def column_defs(self, open_i: int, close_i: int, table: Table, modify: bool = False) -> None:
        t = self.t
        for s, e in split_args(t, open_i + 1, close_i):
            if s >= e:
                continue
            first = t[s]
            if first.kind == ID and first.up == "CONSTRAINT" and is_name(self.tok(s + 1)):
                self.declare(t[s + 1], "constraint")
                self.key_columns(s + 2, e, table)
            elif first.kind == ID and first.up in ("PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "PERIOD",
                                                   "SUPPLEMENTAL"):
                self.key_columns(s, e, table)
            elif is_name(first):
                if table.columns is not None and not modify:
                    table.columns[first.up] = first
                if not modify:
                    self.declare(first, "column")
                type_end = until(t, s + 1, COLUMN_CLAUSES)
                if min(type_end, e) > s + 1:  # MODIFY (col DEFAULT ...) keeps the type
                    table.types[first.up] = t[s + 1:min(type_end, e)]
                for k in range(s + 1, e):  # an inline named constraint, an inline key
                    if t[k].kind == ID and t[k].up == "CONSTRAINT" and is_name(self.tok(k + 1)):
                        self.declare(t[k + 1], "constraint")
                    if t[k].kind == ID and t[k].up == "PRIMARY" and is_word(self.tok(k + 1), "KEY"):
                        table.primary_key = [first.up]

    def create_table(self, i: int) -> None:
        i, name = self.name_at(i)
        if name is None:
            return
        self.declare(name, "table")
        table = Table(name, "TABLE", {})
        self.model.tables[name.up] = table
        if is_word(self.tok(i), "("):
            close = match_paren(self.t, i)
            self.column_defs(i, close, table)
        elif is_word(self.tok(i), "AS") or is_word(self.tok(i), "OF"):
            table.columns = None

    def create_view(self, i: int) -> None:
        t = self.t
        i, name = self.name_at(i)
        if name is None:
            return
        self.declare(name, "view")
        view = Table(name, "VIEW", {})
        self.model.tables[name.up] = view
        if is_word(self.tok(i), "("):
            close = match_paren(t, i)
            for s, e in split_args(t, i + 1, close):
                if s < e and is_name(t[s]):
                    view.columns[t[s].up] = t[s]
                    self.declare(t[s], "column")
            i = close + 1
        as_i = until(t, i, {"AS"})
        if as_i >= len(t):
            return
        self.model.sql_code.append((self.u, as_i + 1, len(t)))
        if view.columns:
            return
        sel = as_i + 1
        while sel < len(t) and not is_word(t[sel], "SELECT"):
            sel = match_paren(t, sel) + 1 if is_word(t[sel], "(") else sel + 1  # a WITH clause
        frm = until(t, sel + 1, {"FROM"})
        for s, e in split_args(t, sel + 1, frm):
            last = t[e - 1]
            if last.kind == OP and last.text == "*":
                view.columns = None
                return
            if is_name(last):
                view.columns[last.up] = last
                if e - s >= 2 and t[e - 2].kind == ID and t[e - 2].up == "AS":
                    self.declare(last, "column")

    def alter_table(self) -> None:
        t = self.t
        i, name = self.name_at(2)
        if name is None:
            return
        table = self.model.tables.get(name.up)
        verb = self.tok(i)
        if verb is None:
            return
        if verb.up == "ADD":
            nxt = self.tok(i + 1)
            if is_word(nxt, "("):
                close = match_paren(t, i + 1)
                if table is not None:
                    self.column_defs(i + 1, close, table)
            elif table is not None:
                # ADD col type ... / ADD CONSTRAINT ...: read as a one-element definition list
                self.column_defs(i, len(t), table)
        elif verb.up == "MODIFY" and table is not None:
            if is_word(self.tok(i + 1), "("):
                self.column_defs(i + 1, match_paren(t, i + 1), table, modify=True)
            else:
                self.column_defs(i, len(t), table, modify=True)
        elif verb.up == "RENAME":
            if is_word(self.tok(i + 1), "COLUMN") and is_word(self.tok(i + 3), "TO") and is_name(self.tok(i + 4)):
                new = t[i + 4]
                self.declare(new, "column")
                if table is not None and table.columns is not None:
                    table.columns.pop(t[i + 2].up, None)
                    table.columns[new.up] = new
                    if t[i + 2].up in table.types:
                        table.types[new.up] = table.types.pop(t[i + 2].up)
                    table.primary_key = [new.up if c == t[i + 2].up else c for c in table.primary_key]
            elif is_word(self.tok(i + 1), "TO") and is_name(self.tok(i + 2)) and table is not None:
                new = t[i + 2]
                self.declare(new, "table")
                del self.model.tables[name.up]
                table.name = new
                self.model.tables[new.up] = table
            elif is_word(self.tok(i + 1), "CONSTRAINT") and is_name(self.tok(i + 4)):
                self.declare(t[i + 4], "constraint")
        elif verb.up == "DROP" and table is not None and table.columns is not None:
            if is_word(self.tok(i + 1), "COLUMN") and is_name(self.tok(i + 2)):
                table.columns.pop(t[i + 2].up, None)
                table.types.pop(t[i + 2].up, None)
            elif is_word(self.tok(i + 1), "("):
                close = match_paren(t, i + 1)
                for s, e in split_args(t, i + 2, close):
                    if s < e:
                        table.columns.pop(t[s].up, None)
                        table.types.pop(t[s].up, None)


# --------------------------------------------------------------------------------------------------
# Building the model

def source_order(path: Path) -> tuple:
    """Load order: database/*.sql, database/migrations/, other database/ folders, plsql/ (of whatever tree)."""
    parts = Path(display(path)).parts
    top = next((i for i in range(len(parts) - 2, -1, -1) if parts[i] in ("database", "plsql")), 0)
    parts = parts[top:]
    rel = Path(*parts)
    if parts[:1] == ("database",):
        group = 0 if len(parts) == 2 else (1 if parts[1] == "migrations" else 2)
    elif parts[:1] == ("plsql",):
        group = 3
    else:
        group = 4
    return (group, rel.as_posix())


def build(sources: list[tuple[Path, str]]) -> Model:
    model = Model()
    units: list[Unit] = []
    for path, text in sorted(sources, key=lambda s: source_order(s[0])):
        units.extend(read_units(text, path))
    for u in units:
        if u.kind == "SQL":
            SqlReader(u, model).read()
    for u in units:
        if u.kind != "PLSQL":
            continue
        parser = PlsqlParser(u, model)
        pu = parser.parse()
        parser.sql_ranges()
        model.plsql.append(pu)
        if pu.kind == "PACKAGE" and pu.name is not None:
            model.specs[pu.name.up] = pu
        elif pu.kind == "PACKAGE BODY" and pu.name is not None:
            model.bodies[pu.name.up] = pu
    for name, body in model.bodies.items():
        spec = model.specs.get(name)
        if spec is not None and body.top is not None:
            body.top.parent = spec.top
    return model
