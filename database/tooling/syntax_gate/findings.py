"""What the gate reports, and how it reads a file (a byte order mark and invalid UTF-8 are findings)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from database.tooling.sources import display


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{display(self.path)}:{self.line}:{self.col}: {self.message}"


def read_source(path: Path) -> tuple[str | None, list[Finding]]:
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, [Finding(path, 1, 1, f"cannot read file: {e.strerror or e}")]
    findings = []
    if data.startswith(b"\xef\xbb\xbf"):
        findings.append(Finding(path, 1, 1, "UTF-8 byte order mark: SQL*Plus reads it as part of the first "
                                            "command; save the file without BOM"))
        data = data[3:]
    try:
        return data.decode("utf-8"), findings
    except UnicodeDecodeError as e:
        return None, findings + [Finding(path, data[:e.start].count(b"\n") + 1, 1, "not valid UTF-8")]

