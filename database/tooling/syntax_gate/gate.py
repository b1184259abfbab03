"""The gate: every unit parsed (in rounds: whole or per subprogram, then what locates a failure), and the
findings it reports; `main` is the command line."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from database.tooling.sources import default_paths, sources_under
from database.tooling.syntax_gate.causes import KNOCKOUT_LINE_BUDGET, likely_causes, plain_statements
from database.tooling.syntax_gate.findings import Finding, read_source
from database.tooling.syntax_gate.parse import DIALECT, Parser
from database.tooling.syntax_gate.sqlplus import Unit, split_sqlplus
from database.tooling.syntax_gate.tasks import SPLIT_MIN_LINES, Piece, Task, fbi_parts, split_package, whole


def _bad(res: dict) -> bool:
    return bool(res["violations"]) or len(res["statements"]) != 1


def check(paths: list[Path], *, jobs: int = 2, use_cache: bool = True) -> list[Finding]:
    """Check Oracle source files; return every finding (an empty list: all files pass)."""
    findings: list[Finding] = []
    units: list[tuple[Path, Unit]] = []
    for path in map(Path, paths):
        text, problems = read_source(path)
        findings.extend(problems)
        if text is None:
            continue
        file_units, split_findings = split_sqlplus(text, path)
        findings.extend(split_findings)
        units.extend((path, u) for u in file_units)

    parser = Parser(jobs, use_cache)
    # round 1: small units whole, big packages per subprogram
    splits: list[tuple[Task, list[Piece]] | None] = []
    round1: list[list[Task]] = []
    for _, unit in units:
        sp = split_package(unit) if unit.kind == "plsql" and len(unit.lines) >= SPLIT_MIN_LINES else None
        splits.append(sp)
        round1.append([sp[0]] + [p.task for p in sp[1]] if sp else [whole(unit)])
    flat = parser.parse_many([t.text for ts in round1 for t in ts])
    res1, i = [], 0
    for ts in round1:
        res1.append(flat[i:i + len(ts)])
        i += len(ts)

    # round 2: the whole unit where the split failed; parts of function-based indexes; pieces to
    # locate a failure in a package parsed whole
    round2: list[dict[str, object]] = []
    for (_, unit), sp, rs in zip(units, splits, res1):
        extra: dict[str, object] = {}
        if sp is not None:
            if any(_bad(r) for r in rs):
                extra["whole"] = whole(unit)
        elif rs[0]["violations"]:
            if unit.kind == "sql":
                parts = fbi_parts(unit)
                if parts:
                    extra["fbi"] = parts
            else:
                located = split_package(unit)
                if located:
                    extra["pieces"] = located
        round2.append(extra)
    tasks2 = []
    for extra in round2:
        if "whole" in extra:
            tasks2.append(extra["whole"])
        tasks2.extend(extra.get("fbi", []))
        if "pieces" in extra:
            tasks2.append(extra["pieces"][0])
            tasks2.extend(p.task for p in extra["pieces"][1])
    flat2 = parser.parse_many([t.text for t in tasks2]) if tasks2 else []
    it = iter(flat2)

    states = []
    for (path, unit), sp, ts, rs, extra in zip(units, splits, round1, res1, round2):
        st: dict = {"path": path, "unit": unit, "sp": sp, "rs": rs}
        if "whole" in extra:
            st["whole"] = (extra["whole"], next(it))
        elif sp is None:
            st["whole"] = (ts[0], rs[0])
        else:
            st["whole"] = (None, None)  # accepted piece by piece
        st["fbi"] = [(t, next(it)) for t in extra.get("fbi", [])]
        st["located"] = extra.get("pieces") or sp
        st["located_res"] = [next(it) for _ in range(1 + len(extra["pieces"][1]))] if "pieces" in extra else rs
        # round 3 (failures only): knock out one plain statement at a time in each failing subprogram
        # (or in the whole unit when it has none); the statement whose removal makes it parse is named
        st["knockouts"] = []
        whole_res = st["whole"][1]
        if whole_res is not None and whole_res["unparsable"] and unit.kind == "plsql":
            regions = []
            if st["located"]:
                for piece, r in zip(st["located"][1], st["located_res"][1:]):
                    if _bad(r):
                        regions.append((piece.task.text.split("\n", 1)[0], piece.first, piece.last,
                                        "END gate_probe;", True))
            else:
                regions.append((None, 0, len(unit.lines), None, False))
            for head, first, last, tail, declarations in regions:
                most = max(1, KNOCKOUT_LINE_BUDGET // max(1, last - first))
                for a, b, in_decl in plain_statements(unit, first, last, declarations)[:most]:
                    rows = [(head, 0)] if head else []
                    for i in range(first, last):
                        if i == a:
                            rows.append(("gate_knockout NUMBER;" if in_decl else "NULL;", 0))
                        elif a < i <= b:
                            rows.append(("", 0))
                        else:
                            rows.append((unit.lines[i], 0))
                    if tail:
                        rows.append((tail, 0))
                    st["knockouts"].append((a, b, Task.of(rows)))
        states.append(st)
    flat3 = parser.parse_many([t.text for st in states for _, _, t in st["knockouts"]])
    parser.save()
    it3 = iter(flat3)

    for st in states:
        path, unit, sp, rs = st["path"], st["unit"], st["sp"], st["rs"]
        whole_task, whole_res = st["whole"]
        fbi, located, located_res = st["fbi"], st["located"], st["located_res"]
        culprits = [(a, b) for a, b, _ in st["knockouts"] if not _bad(next(it3))]

        if unit.kind == "plsql" and not "\n".join(unit.masked).rstrip().endswith(";"):
            findings.append(Finding(path, unit.end_line, 1,
                                    "PL/SQL unit must end with ';' (END name;) before its '/' line"))
        if whole_res is None:  # skeleton and every subprogram parse
            checked = [(sp[0], rs[0])] + [(p.task, r) for p, r in zip(sp[1], rs[1:])]
        elif whole_res["violations"]:
            if fbi:
                if not any(_bad(r) for _, r in fbi):
                    continue  # function-based index: both parts parse
                for t, r in fbi:
                    for line, col, desc in r["violations"]:
                        findings.append(Finding(path, t.at(line), col,
                                                f"function-based index (checked in two parts): {desc}"))
                continue
            for line, col, desc in whole_res["violations"]:
                findings.append(Finding(path, whole_task.at(line), col, desc))
            for a, b in culprits:
                findings.append(Finding(path, unit.start_line + a, 1,
                                        "sqlfluff cannot parse this statement (without it the rest parses)" +
                                        likely_causes(unit, a, b + 1)))
            where = bool(culprits) or not whole_res["unparsable"]  # the gate's own checks name the line
            if located and whole_res["unparsable"]:
                skeleton, pieces = located
                failed = [p for p, r in zip(pieces, located_res[1:]) if _bad(r)]
                for p in failed:
                    findings.append(Finding(
                        path, unit.start_line + p.first, 1,
                        f"the failure is inside {p.name} (lines {unit.start_line + p.first}-"
                        f"{unit.start_line + p.last - 1})" +
                        ("" if any(p.first <= a < p.last for a, _ in culprits)
                         else likely_causes(unit, p.first, p.last))))
                if failed:
                    where = True
                elif _bad(located_res[0]):
                    findings.append(Finding(path, unit.start_line, 1,
                                            "the failure is outside the procedures and functions (package "
                                            "header, declarations or closing END)" +
                                            likely_causes(unit, 0, pieces[0].first if pieces else 0)))
                    where = True
            if not where:
                causes = likely_causes(unit, 0, len(unit.masked))
                if causes:
                    findings.append(Finding(path, unit.start_line, 1, "L" + causes[3:]))
            continue
        else:
            checked = [(whole_task, whole_res)]
            stmts = whole_res["statements"]
            if len(stmts) != 1:
                if not stmts:
                    findings.append(Finding(path, unit.start_line, 1, "no statement found"))
                else:
                    _, line, col, head = stmts[1]
                    need = "'/' line" if unit.kind == "plsql" else "';' at the end of the line"
                    findings.append(Finding(path, whole_task.at(line), col,
                                            f"a second statement starts here ({head!r}) inside one SQL*Plus "
                                            f"command: missing {need} before it"))
        for t, r in checked:
            for line, col, command, raw in r["hidden"]:
                findings.append(Finding(path, t.at(line), col,
                                        f"sqlfluff reads {raw!r} as a SQL*Plus {command} command and skips "
                                        f"it: rename the identifier so the line gets checked"))
    return sorted(set(findings))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m database.tooling.syntax_gate",
                                 description="Parse Oracle source files with sqlfluff's oracle dialect.")
    ap.add_argument("paths", nargs="*", help="files or folders (default: database/ and plsql/ sources)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="parser processes (default 2)")
    ap.add_argument("--no-cache", action="store_true", help="ignore and do not write .build/syntax_gate/")
    ap.add_argument("--quiet", "-q", action="store_true", help="print findings only")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    if args.paths:
        paths: list[Path] = []
        for p in map(Path, args.paths):
            paths.extend(sources_under(p) if p.is_dir() else [p])
    else:
        paths = default_paths()
    if not paths:
        print("syntax gate: no Oracle source files found", file=sys.stderr)
        return 1
    findings = check(paths, jobs=args.jobs, use_cache=not args.no_cache)
    for f in findings:
        print(f)
    if not args.quiet:
        bad = len({f.path for f in findings})
        print(f"syntax gate ({DIALECT}, sqlfluff): {len(paths)} files, {bad} failing, {len(findings)} findings "
              f"in {time.perf_counter() - started:.2f}s", file=sys.stderr)
    return 1 if findings else 0
