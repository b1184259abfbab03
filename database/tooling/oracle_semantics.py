"""Oracle semantic check: what Oracle's compiler refuses and the PostgreSQL translation lets through.

    python -m database.tooling.oracle_semantics [files...]

Prints `file:line: RULE message` per finding and exits 1 on any. Without arguments it checks every
Oracle source of the project (database/ and plsql/, not database/postgres/); with files, those files,
read against the whole project (the tables, the other package specs). The model is built from the
sources alone, in load order: database/*.sql, database/migrations/*.sql, plsql/.

Rules (the Oracle error each one stands for is named in the message):
  SQL_PRIVATE_FUNCTION  a function declared only in a package body, or nested in a subprogram or block,
                        called inside a SQL statement or cursor query (PLS-00231)
  SPEC_BODY             a spec subprogram without a body of the same signature: names, modes, types and
                        defaults of the parameters, return type (PLS-00323, PLS-00593); a forward
                        declaration never defined (PLS-00328); a body without a spec (PLS-00304); a spec
                        with subprograms and no body (ORA-04067 at the first call)
  DECLARED_LATER        a private subprogram used before its declaration and not forward-declared (PLS-00313)
  CALL                  a call of a package subprogram (pkg.name(...), or a subprogram of the same package
                        or block) that no spec/declaration accepts: unknown name (PLS-00302), wrong number or
                        names of arguments with positional and named notation and defaults counted, over
                        every overload (PLS-00306), an expression passed to an OUT parameter (PLS-00363), a
                        function called as a statement (PLS-00221), a procedure used as a value (PLS-00222)
  ANCHOR                %TYPE / %ROWTYPE naming a table, view, column, package item, variable or cursor that
                        does not exist (PLS-00201, PLS-00302)
  IDENTIFIER_LENGTH     a declared name longer than 30 bytes (ORA-00972, PLS-00114)
  RESERVED_WORD         a declared name that is an Oracle SQL or PL/SQL reserved word (ORA-00904, PLS-00103)

It reads tokens, not a grammar (database/tooling/syntax_gate/ checks the grammar): a careful lexer (comments,
strings, q-quotes, quoted identifiers, SQL*Plus lines: plsql_lexer.py) and the PL/SQL block structure
(declarations, nested subprograms, BEGIN/IF/LOOP/CASE ... END: plsql_model.py). What it cannot see is
listed in plsql/README.md.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from database.tooling.oracle_words import MAX_IDENTIFIER_BYTES, PLSQL_RESERVED, SQL_RESERVED
from database.tooling.plsql_lexer import BIND, ID, OP, Token, Unit
from database.tooling.plsql_model import (
    Item,
    Model,
    PlsqlUnit,
    Routine,
    Section,
    build,
    is_name,
    is_word,
    match_paren,
    split_args,
)
from database.tooling.sources import SUFFIXES, default_paths, display

# a call at this place, ended by ';', is a procedure call statement
STATEMENT_BEFORE = {";", "BEGIN", "THEN", "ELSE", "LOOP", ">>", "DECLARE"}
# Oracle's own views and tables, not in the sources: an anchor on them cannot be checked here
DICTIONARY_PREFIXES = ("USER_", "ALL_", "DBA_", "CDB_", "V$", "GV$", "SESSION_", "NLS_", "ROLE_")
DICTIONARY_NAMES = {"DUAL", "TABS", "COLS", "DICT", "DICTIONARY", "CAT", "IND", "OBJ", "SEQ", "SYN"}


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{display(self.path)}:{self.line}: {self.rule} {self.message}"


# --------------------------------------------------------------------------------------------------
# Rules

class Checker:
    def __init__(self, model: Model, report: set[Path] | None):
        self.m = model
        self.report = report
        self.findings: list[Finding] = []
        self.columns = {c for tb in model.tables.values() if tb.columns for c in tb.columns}
        self.seen: set[tuple] = set()

    def add(self, path: Path, line: int, rule: str, message: str) -> None:
        if self.report is not None and path.resolve() not in self.report:
            return
        key = (path, line, rule, message)
        if key not in self.seen:
            self.seen.add(key)
            self.findings.append(Finding(path, line, rule, message))

    def run(self) -> list[Finding]:
        self.spec_body()
        for pu in self.m.plsql:
            self.code(pu)
            self.anchors(pu)
        for unit, start, end in self.m.sql_code:
            self.sql_unit(unit, start, end)
        self.identifiers()
        return sorted(self.findings)

    # ---- SPEC_BODY

    def spec_body(self) -> None:
        for name, spec in self.m.specs.items():
            spec_routines = [d for d in spec.top.decls if isinstance(d, Routine)] if spec.top else []
            body = self.m.bodies.get(name)
            if body is None or body.top is None:
                if spec_routines:
                    self.add(spec.unit.path, spec.name.line, "SPEC_BODY",
                             f"ORA-04067: package {spec.name.text} declares subprograms but the sources hold no "
                             f"package body for it")
                continue
            defined = [d for d in body.top.decls if isinstance(d, Routine) and not d.forward]
            for s in spec_routines:
                sig = s.signature()
                match = [b for b in defined if b.name.up == s.name.up and b.signature() == sig]
                for b in match:
                    b.public = True
                if not match:
                    same = [b for b in defined if b.name.up == s.name.up]
                    hint = f"; the body has {same[0].shown()}" if same else ""
                    self.add(spec.unit.path, s.name.line, "SPEC_BODY",
                             f"PLS-00323: {s.shown()} is declared in the spec of {spec.name.text} and must be "
                             f"defined in the body with the same parameters (names, modes, types, defaults) "
                             f"and return type{hint}")
        for name, body in self.m.bodies.items():
            if name not in self.m.specs:
                self.add(body.unit.path, body.name.line, "SPEC_BODY",
                         f"PLS-00304: cannot compile body of {body.name.text} without its specification")
        for pu in self.m.plsql:
            if pu.kind == "PACKAGE":
                continue
            for r in pu.routines:
                if r.forward and not any(isinstance(d, Routine) and not d.forward and d.name.up == r.name.up
                                         and d.signature() == r.signature() for d in r.section.decls):
                    self.add(pu.unit.path, r.name.line, "SPEC_BODY",
                             f"PLS-00328: forward declaration of {r.shown()} has no body with the same signature")

    # ---- name resolution

    @staticmethod
    def visible(decl, pos: int, section: Section, unit: PlsqlUnit) -> bool:
        if section.unit is not unit:
            return True  # the spec, seen from its body
        return decl.start < pos or (isinstance(decl, Routine) and decl.start == pos)

    def resolve(self, name: str, pos: int, section: Section | None, unit: PlsqlUnit) -> list:
        sec = section
        while sec is not None:
            found = [d for d in sec.decls if d.name.up == name and self.visible(d, pos, sec, unit)]
            if found:
                return found
            sec = sec.parent
        return []

    def declared_later(self, name: str, pos: int, section: Section | None, unit: PlsqlUnit) -> Routine | None:
        sec = section
        while sec is not None:
            for d in sec.decls:
                if isinstance(d, Routine) and d.name.up == name and not self.visible(d, pos, sec, unit):
                    return d
            sec = sec.parent
        return None

    # ---- code: SQL_PRIVATE_FUNCTION, DECLARED_LATER, CALL

    def code(self, pu: PlsqlUnit) -> None:
        t = pu.unit.tokens
        n = len(t)
        scope: list[Section | None] = [None] * n
        ctx: list[str | None] = [None] * n
        for start, end, sec, c in sorted(pu.code, key=lambda r: (r[3] == "SQL", -(r[1] - r[0]))):
            for k in range(start, min(end, n)):
                scope[k], ctx[k] = sec, c
        package = pu.name.up if pu.kind == "PACKAGE BODY" and pu.name else None
        reported_later: set[str] = set()
        for k in range(n):
            if ctx[k] is None or not is_name(t[k]):
                continue
            tk = t[k]
            prev = t[k - 1] if k else None
            if prev is not None and prev.kind == OP and prev.text in (".", "%"):
                continue
            nxt = t[k + 1] if k + 1 < n else None
            if nxt is not None and nxt.kind == OP and nxt.text in ("=>", "%"):
                continue
            sec = scope[k]
            in_sql = ctx[k] == "SQL"
            # pkg.name
            if is_word(nxt, ".") and k + 2 < n and is_name(t[k + 2]):
                if self.resolve(tk.up, k, sec, pu):
                    continue  # a record or cursor variable
                target = t[k + 2]
                if tk.up in self.m.specs or tk.up == package:
                    self.package_ref(pu, k, tk, target, k + 2, sec, in_sql, own=(tk.up == package))
                continue
            decls = self.resolve(tk.up, k, sec, pu)
            call = is_word(nxt, "(")
            if not decls:
                if call or not in_sql:
                    later = self.declared_later(tk.up, k, sec, pu)
                    if later is not None and tk.up not in reported_later:
                        reported_later.add(tk.up)
                        self.add(pu.unit.path, tk.line, "DECLARED_LATER",
                                 f"PLS-00313: '{tk.text}' is not declared at this point: {later.kind.lower()} "
                                 f"{later.name.text} is declared at line {later.name.line}, after this use; "
                                 f"declare it (or a forward declaration) before")
                continue
            routines = [d for d in decls if isinstance(d, Routine)]
            if not routines:
                continue
            if in_sql and not call and tk.up in self.columns:
                continue  # a column of that name wins in SQL
            if in_sql:
                self.sql_function(pu, tk, routines)
            self.check_call(pu, k, k, routines, in_sql, tk.text)

    def package_ref(self, pu, first: int, pkg: Token, target: Token, k: int, sec, in_sql: bool, own: bool):
        if own:
            candidates = [d for d in (pu.top.decls if pu.top else []) if d.name.up == target.up]
            if not candidates and pu.top is not None and pu.top.parent is not None:
                candidates = [d for d in pu.top.parent.decls if d.name.up == target.up]
        else:
            spec = self.m.specs[pkg.up]
            candidates = [d for d in spec.top.decls if d.name.up == target.up] if spec.top else []
        if not candidates:
            self.add(pu.unit.path, target.line, "CALL",
                     f"PLS-00302: component '{target.text}' must be declared: {pkg.text} has no "
                     f"{'such item' if own else 'such item in its spec'}")
            return
        routines = [d for d in candidates if isinstance(d, Routine)]
        if not routines:
            return
        if in_sql and own:
            self.sql_function(pu, target, routines)
        self.check_call(pu, first, k, routines, in_sql, f"{pkg.text}.{target.text}")

    def sql_function(self, pu: PlsqlUnit, tk: Token, routines: list[Routine]) -> None:
        if any(r.section.level in ("SPEC", "TOP") or r.public or self.in_spec(r) for r in routines):
            return
        r = routines[0]
        where = (f"declared only in the body of package {r.section.package}" if r.section.level == "BODY"
                 else "nested in a subprogram or block")
        self.add(pu.unit.path, tk.line, "SQL_PRIVATE_FUNCTION",
                 f"PLS-00231: function '{tk.text}' may not be used in SQL: it is {where} (line "
                 f"{r.name.line}); compute it into a variable before the statement, or declare it in the spec")

    def in_spec(self, r: Routine) -> bool:
        """A package body routine whose name the spec declares: public by name (overloads are not told apart)."""
        spec = self.m.specs.get(r.section.package or "") if r.section.level == "BODY" else None
        return spec is not None and spec.top is not None and any(
            isinstance(d, Routine) and d.name.up == r.name.up for d in spec.top.decls)

    def check_call(self, pu, first: int, k: int, routines: list[Routine], in_sql: bool, shown: str) -> None:
        t = pu.unit.tokens
        n = len(t)
        args: list[tuple[int, int]] = []
        last = k
        if k + 1 < n and is_word(t[k + 1], "("):
            last = match_paren(t, k + 1)
            args = split_args(t, k + 2, last)
        prev = t[first - 1] if first > 0 else None
        after = t[last + 1] if last + 1 < n else None
        statement = (not in_sql and prev is not None and prev.up in STATEMENT_BEFORE
                     and after is not None and after.text == ";")
        problems = []
        for r in routines:
            problem = self.call_problem(r, t, args, statement)
            if problem is None:
                return
            problems.append(problem)
        line = t[k].line
        if len(problems) == 1:
            self.add(pu.unit.path, line, "CALL", f"{problems[0]} (call of {shown})")
        else:
            self.add(pu.unit.path, line, "CALL",
                     f"PLS-00306: wrong number or types of arguments in call to '{shown}': no overload accepts "
                     f"it ({'; '.join(problems)})")

    @staticmethod
    def call_problem(r: Routine, t: list[Token], args: list[tuple[int, int]], statement: bool) -> str | None:
        if statement and r.kind == "FUNCTION":
            return f"PLS-00221: '{r.name.text}' is a function, called here as a procedure"
        if not statement and r.kind == "PROCEDURE":
            return f"PLS-00222: '{r.name.text}' is a procedure, used here as a value"
        params = {p.name.up: p for p in r.params}
        bound: dict[str, tuple[int, int]] = {}
        named_seen = False
        for idx, (s, e) in enumerate(args):
            if e - s >= 2 and is_name(t[s]) and t[s + 1].kind == OP and t[s + 1].text == "=>":
                named_seen = True
                pname = t[s].up
                if pname not in params:
                    return f"PLS-00306: '{r.name.text}' has no parameter named {t[s].text}"
                if pname in bound:
                    return f"PLS-00703: parameter {t[s].text} of '{r.name.text}' is given twice"
                bound[pname] = (s + 2, e)
            else:
                if named_seen:
                    return "PLS-00312: a positional argument may not follow a named one"
                if idx >= len(r.params):
                    return (f"PLS-00306: too many arguments: '{r.name.text}' takes {len(r.params)}, "
                            f"called with {len(args)}")
                bound[r.params[idx].name.up] = (s, e)
        for p in r.params:
            if p.name.up not in bound:
                if p.default_toks is None:
                    return (f"PLS-00306: wrong number of arguments: parameter {p.name.text} of "
                            f"'{r.name.text}' is not given and has no default")
            elif p.mode != "IN":
                s, e = bound[p.name.up]
                if not _assignable(t[s:e]):
                    text = " ".join(x.text for x in t[s:e])
                    return (f"PLS-00363: expression '{text}' cannot be used as an assignment target: "
                            f"parameter {p.name.text} of '{r.name.text}' is {p.mode}")
        return None

    # ---- SQL outside PL/SQL (views, DML scripts): calls of package functions

    def sql_unit(self, unit: Unit, start: int, end: int) -> None:
        t = unit.tokens
        fake = PlsqlUnit(unit, "SQL")
        for k in range(start, min(end, len(t))):
            if (is_name(t[k]) and t[k].up in self.m.specs and k + 2 < len(t) and is_word(t[k + 1], ".")
                    and is_name(t[k + 2]) and not is_word(t[k - 1] if k else None, ".")):
                self.package_ref(fake, k, t[k], t[k + 2], k + 2, None, True, own=False)

    # ---- ANCHOR

    def anchors(self, pu: PlsqlUnit) -> None:
        for toks, section, pos in pu.types:
            for k, tk in enumerate(toks):
                if not (tk.kind == OP and tk.text == "%" and k + 1 < len(toks) and toks[k + 1].up in ("TYPE", "ROWTYPE")):
                    continue
                parts = []
                j = k - 1
                while j >= 0 and is_name(toks[j]):
                    parts.insert(0, toks[j])
                    if j >= 1 and is_word(toks[j - 1], "."):
                        j -= 2
                    else:
                        break
                if parts:
                    self.anchor(pu, parts, toks[k + 1].up, section, pos)

    def anchor(self, pu: PlsqlUnit, parts: list[Token], attr: str, section: Section, pos: int) -> None:
        shown = ".".join(p.text for p in parts) + "%" + attr
        line = parts[0].line
        if len(parts) == 3:
            parts = parts[1:]  # schema.table.column
        table_part = parts[-1] if attr == "ROWTYPE" else (parts[-2] if len(parts) > 1 else None)
        if table_part is not None and table_part.up not in self.m.tables and (
                table_part.up.startswith(DICTIONARY_PREFIXES) or table_part.up in DICTIONARY_NAMES):
            return
        if attr == "ROWTYPE":
            last = parts[-1]
            if last.up in self.m.tables:
                return
            if len(parts) == 1:
                if any(isinstance(d, Item) and d.kind == "CURSOR" for d in self.resolve(last.up, pos, section, pu)):
                    return
            elif parts[0].up in self.m.specs:
                spec = self.m.specs[parts[0].up]
                if any(d.name.up == last.up and isinstance(d, Item) and d.kind == "CURSOR" for d in spec.top.decls):
                    return
            self.add(pu.unit.path, line, "ANCHOR",
                     f"PLS-00201: identifier in {shown} must be declared: no table, view or cursor {last.text}")
            return
        if len(parts) == 1:
            found = self.resolve(parts[0].up, pos, section, pu)
            if any(isinstance(d, Item) and d.kind in ("VARIABLE", "CONSTANT", "PARAM", "CURSOR") for d in found):
                return
            self.add(pu.unit.path, line, "ANCHOR",
                     f"PLS-00201: identifier '{parts[0].text}' in {shown} must be declared (a variable, "
                     f"constant or parameter declared before it)")
            return
        owner, item = parts[-2], parts[-1]
        if self.resolve(owner.up, pos, section, pu):
            return  # a record variable's field
        table = self.m.tables.get(owner.up)
        if table is not None:
            if table.columns is None or item.up in table.columns:
                return
            self.add(pu.unit.path, item.line, "ANCHOR",
                     f"PLS-00302: component '{item.text}' must be declared: {table.kind.lower()} "
                     f"{table.name.text} has no column {item.text} ({shown})")
            return
        spec = self.m.specs.get(owner.up)
        if spec is not None:
            if any(isinstance(d, Item) and d.name.up == item.up for d in spec.top.decls):
                return
            self.add(pu.unit.path, item.line, "ANCHOR",
                     f"PLS-00302: component '{item.text}' must be declared: the spec of {spec.name.text} "
                     f"declares no variable or constant {item.text} ({shown})")
            return
        self.add(pu.unit.path, line, "ANCHOR",
                 f"PLS-00201: identifier '{owner.text}.{item.text}' must be declared: no table, view or "
                 f"package {owner.text} in the sources ({shown})")

    # ---- IDENTIFIER_LENGTH, RESERVED_WORD

    def identifiers(self) -> None:
        for tok, path, what in self.m.names:
            name = tok.up if tok.kind == ID else tok.up
            size = len(name.encode("utf-8"))
            if size > MAX_IDENTIFIER_BYTES:
                self.add(path, tok.line, "IDENTIFIER_LENGTH",
                         f"ORA-00972: {what} name {tok.text} is {size} bytes, more than "
                         f"{MAX_IDENTIFIER_BYTES} (the limit before Oracle 12.2 and with COMPATIBLE < 12.2)")
            if tok.kind == ID and (name in SQL_RESERVED or name in PLSQL_RESERVED):
                which = " and ".join(w for w, s in (("Oracle SQL", SQL_RESERVED), ("PL/SQL", PLSQL_RESERVED))
                                     if name in s)
                self.add(path, tok.line, "RESERVED_WORD",
                         f"{what} name {tok.text} is a reserved word of {which} (ORA-00904/PLS-00103 unless "
                         f"quoted): choose another name")


def _assignable(toks: list[Token]) -> bool:
    """A variable, record field, bind (:NEW.x) or collection element: what an OUT argument must be."""
    if not toks:
        return False
    i = 0
    if not (is_name(toks[0]) or toks[0].kind == BIND) or toks[0].up in ("NULL", "TRUE", "FALSE"):
        return False
    i = 1
    while i < len(toks):
        if is_word(toks[i], ".") and i + 1 < len(toks) and is_name(toks[i + 1]):
            i += 2
        elif is_word(toks[i], "("):
            i = match_paren(toks, i) + 1
        else:
            return False
    return True


# --------------------------------------------------------------------------------------------------
# Entry points

def check_sources(sources: list[tuple[Path, str]], report: list[Path] | None = None) -> list[Finding]:
    """Findings over sources (path, text) read together; only those in report when given."""
    model = build(sources)
    wanted = None if report is None else {p.resolve() for p in report}
    return Checker(model, wanted).run()


def check_texts(texts: dict[str, str]) -> list[Finding]:
    """Findings over in-memory sources alone (no project context): {file name: text}."""
    return check_sources([(Path(name), text) for name, text in texts.items()])


def check(paths: list[Path] | None = None) -> list[Finding]:
    """The project's sources, or the given files read against the project's sources."""
    project = default_paths()
    if not paths:
        return check_sources([(p, p.read_text(encoding="utf-8")) for p in project])
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(q for q in p.rglob("*") if q.suffix.lower() in SUFFIXES) if p.is_dir() else [p])
    given = {p.resolve() for p in files}
    sources = [(p, p.read_text(encoding="utf-8")) for p in project if p.resolve() not in given]
    sources += [(p, p.read_text(encoding="utf-8")) for p in files]
    return check_sources(sources, files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m database.tooling.oracle_semantics",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help="files or folders (default: database/ and plsql/)")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    missing = [p for p in args.files if not p.exists()]
    for p in missing:
        print(f"{p}:1: MISSING no such file")
    present = [p for p in args.files if p.exists()]
    findings = check(present) if present or not args.files else []
    for f in findings:
        print(f)
    print(f"oracle semantic check: {len(findings) + len(missing)} findings in {time.perf_counter() - started:.2f}s",
          file=sys.stderr)
    return 1 if findings or missing else 0


if __name__ == "__main__":
    sys.exit(main())
