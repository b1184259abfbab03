"""sqlfluff's oracle grammar: parsing a text (in worker processes), the checks over its parse tree that the
grammar tolerates but Oracle rejects, and a content-keyed cache of the results."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from database.tooling.sources import REPO_ROOT

DIALECT = "oracle"
CACHE_DIR = REPO_ROOT / ".build" / "syntax_gate"
CACHE_ENTRIES = 20000  # parsed texts kept, most recently used first

_LINTER = None
_HIDING_LEXERS = {"prompt_command": "PROMPT", "accept_command": "ACCEPT", "remark_command": "REMARK"}


def _linter():
    global _LINTER
    if _LINTER is None:
        from sqlfluff.core import FluffConfig, Linter
        cfg = FluffConfig(overrides={"dialect": DIALECT, "templater": "raw"})
        _LINTER = Linter(config=cfg)
    return _LINTER


def _parse(text: str) -> dict:
    """Parse one statement text; return violations, top-level statements and hidden code."""
    try:
        parsed = _linter().parse_string(text, fname="<unit>")
    except Exception as e:  # a crash must fail the gate, never pass it
        return {"violations": [[1, 1, f"sqlfluff failed: {type(e).__name__}: {_short(str(e))}"]],
                "statements": [], "hidden": [], "unparsable": True}
    violations = [[v.line_no, v.line_pos, _short(v.desc())] for v in parsed.violations]
    unparsable = bool(violations)
    statements, hidden = [], []
    root = parsed.root_variant()
    tree = root.tree if root is not None else None
    if tree is None and not violations:
        violations.append([1, 1, "sqlfluff produced no parse tree"])
    if tree is not None:
        for seg in tree.recursive_crawl("statement", "execute_file_statement", recurse_into=False):
            statements.append([seg.get_type(), seg.pos_marker.line_no, seg.pos_marker.line_pos,
                               seg.raw.split("\n", 1)[0][:60]])
        for seg in tree.raw_segments:
            for lexer_type, command in _HIDING_LEXERS.items():
                if seg.is_type(lexer_type):
                    hidden.append([seg.pos_marker.line_no, seg.pos_marker.line_pos, command, seg.raw[:60]])
        if not violations:
            violations.extend(_tree_checks(tree))
    return {"violations": violations, "statements": statements, "hidden": hidden, "unparsable": unparsable}


def _code(seg) -> list:
    return [c for c in seg.segments if not (c.is_whitespace or c.is_comment or c.is_meta)]


def _after(seg) -> list[int]:
    """[line, col] just after the last character of seg."""
    last = seg.raw_segments[-1] if seg.raw_segments else seg
    return [last.pos_marker.line_no, last.pos_marker.line_pos + len(last.raw)]


def _name(seg) -> str:
    return seg.raw.split(".")[-1].strip('"').upper() if seg.raw.count('"') % 2 == 0 else seg.raw.upper()


def _tree_checks(tree) -> list[list]:
    """Errors sqlfluff's oracle grammar tolerates but Oracle rejects (PLS-00103, PLS-00428, PLS-00113)."""
    out: list[list] = []
    _walk(tree, None, out)
    return out


def _walk(seg, parent, out: list[list]) -> None:
    if not seg.segments:
        return
    kids = _code(seg)
    for kid in kids:
        _walk(kid, seg, out)
    in_block = seg.get_type() not in ("batch", "file")
    parent_in_block = parent is not None and parent.get_type() not in ("batch", "file")
    for a, b in zip(kids, kids[1:] + [None]):
        if in_block and a.is_type("statement") and (b is None or not b.is_type("statement_terminator")):
            out.append(_after(a) + ["missing ';' after this statement" +
                                    (f" (before {b.raw.split()[0]!r})" if b is not None and b.raw.split() else "")])
        if b is not None and a.is_type("expression") and b.is_type("expression"):
            out.append(_after(a) + [f"missing ',' between {a.raw[:30]!r} and {b.raw[:30]!r}"])
    if parent_in_block and seg.is_type("statement") and kids:
        first = kids[0]
        select = first
        if first.is_type("with_compound_statement"):
            select = next((c for c in _code(first) if c.is_type("select_statement", "set_expression")), first)
        if select.is_type("set_expression"):
            select = next((c for c in _code(select) if c.is_type("select_statement")), select)
        if select.is_type("select_statement") and not any(
                c.is_type("into_clause", "bulk_collect_into_clause") for c in _code(select)):
            out.append([first.pos_marker.line_no, first.pos_marker.line_pos,
                        "SELECT without INTO inside PL/SQL (PLS-00428): add INTO, or loop over it with "
                        "FOR r IN (SELECT ...) LOOP"])
    if seg.is_type("create_procedure_statement", "create_function_statement", "create_trigger_statement",
                   "create_package_statement", "create_package_body_statement"):
        names = [c for c in kids if c.is_type("function_name", "trigger_reference", "package_reference")]
        label = None
        if seg.is_type("create_package_statement", "create_package_body_statement"):
            label = names[1] if len(names) > 1 else None
        else:
            block = next((c for c in kids if c.is_type("begin_end_block")), None)
            if block is None:
                block = next((c for k in kids if k.is_type("statement") for c in _code(k)
                              if c.is_type("begin_end_block")), None)
            if block is not None:
                bk = _code(block)
                if len(bk) >= 2 and bk[-2].raw.upper() == "END" and bk[-1].is_type("object_reference"):
                    label = bk[-1]
        if names and label is not None and _name(label) != _name(names[0]):
            out.append([label.pos_marker.line_no, label.pos_marker.line_pos,
                        f"END {label.raw} does not match {names[0].raw} (PLS-00113)"])


def _short(desc: str) -> str:
    desc = re.sub(r"^Line \d+, Position \d+: ", "", " ".join(desc.split()))
    m = re.match(r"Found unparsable section: (.*?)\. Expected: (.*)$", desc)
    if m:
        expected = m.group(2).rstrip(".")
        desc = f"sqlfluff (oracle) cannot parse the statement from here: {m.group(1)}"
        if "<" not in expected and not expected.startswith("Nothing"):
            desc += f" (expected {expected})"
    return desc if len(desc) <= 300 else desc[:297] + "..."


class Parser:
    """Parses texts with a process pool and a content-keyed cache."""

    def __init__(self, jobs: int, use_cache: bool):
        self.jobs = max(1, jobs)
        self.use_cache = use_cache
        self.cache: dict[str, dict] = {}
        self.dirty = False
        import sqlfluff
        gate_source = b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))
        salt = sqlfluff.__version__ + DIALECT + hashlib.sha256(gate_source).hexdigest()
        self.salt = salt.encode()
        self.cache_file = CACHE_DIR / f"cache-{hashlib.sha256(self.salt).hexdigest()[:16]}.json"
        if use_cache:
            try:
                self.cache = json.loads(self.cache_file.read_text())
            except (OSError, ValueError):
                self.cache = {}

    def _key(self, text: str) -> str:
        return hashlib.sha256(self.salt + text.encode()).hexdigest()

    def parse_many(self, texts: list[str]) -> list[dict]:
        keys = [self._key(t) for t in texts]
        todo = {}
        for k, t in zip(keys, texts):
            if k not in self.cache and k not in todo:
                todo[k] = t
        if todo:
            order = sorted(todo, key=lambda k: -len(todo[k]))  # longest first balances the workers
            if self.jobs > 1 and len(order) > 1:
                _linter()  # warm up before fork so the workers inherit the loaded dialect
                methods = multiprocessing.get_all_start_methods()
                ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
                with ProcessPoolExecutor(max_workers=min(self.jobs, len(order)), mp_context=ctx) as ex:
                    results = list(ex.map(_parse, [todo[k] for k in order], chunksize=1))
            else:
                results = [_parse(todo[k]) for k in order]
            for k, r in zip(order, results):
                self.cache[k] = r
            self.dirty = True
        for k in keys:  # most recently used last: save() keeps the newest CACHE_ENTRIES
            self.cache[k] = self.cache.pop(k)
        return [self.cache[k] for k in keys]

    def save(self) -> None:
        if not (self.use_cache and self.dirty):
            return
        try:
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            for old in CACHE_DIR.glob("cache-*.json"):
                if old != self.cache_file:
                    old.unlink(missing_ok=True)
            keep = dict(list(self.cache.items())[-CACHE_ENTRIES:])
            tmp = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(keep))
            os.replace(tmp, self.cache_file)
        except OSError:
            pass  # the cache is an optimisation only

