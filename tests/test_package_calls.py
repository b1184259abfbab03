"""Calls between the packages go one way where one package serves another: lib_patrons uses lib_auth
(permissions, the account of a self-registration), and lib_auth never reaches lib_patrons, directly or
through another package. Read from the package bodies, comments and text literals left out."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def calls() -> dict[str, set[str]]:
    graph = {}
    for body in sorted((ROOT / "plsql").glob("*.pkb")):
        code = re.sub(r"--[^\n]*|'(?:[^']|'')*'", "", body.read_text())
        graph[body.stem] = {m.lower() for m in re.findall(r"\b(lib_\w+)\s*\.", code, re.I)} - {body.stem}
    return graph


def reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for callee in graph.get(todo.pop(), ()):
            if callee not in seen:
                seen.add(callee)
                todo.append(callee)
    return seen


def test_lib_patrons_calls_lib_auth_and_never_the_other_way():
    graph = calls()
    assert "lib_auth" in graph["lib_patrons"]
    assert "lib_patrons" not in reaches(graph, "lib_auth")


def test_the_patron_standing_sits_below_the_circulation_and_the_holds():
    graph = calls()
    assert "lib_patrons" in graph["lib_circulation"] and "lib_patrons" in graph["lib_holds"]
    assert not {"lib_circulation", "lib_holds"} & reaches(graph, "lib_patrons")
