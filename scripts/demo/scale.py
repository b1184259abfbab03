"""How much to generate: the counts per table, presets by name, and the checks that keep them loadable."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    materials: int
    copies: int
    patrons: int
    loans: int
    authors: int
    holds: int
    branches: int

    @classmethod
    def of(cls, materials: int, loans: int | None = None, copies: int | None = None,
           patrons: int | None = None, authors: int | None = None, holds: int | None = None,
           branches: int | None = None) -> "Scale":
        loans = materials if loans is None else loans
        s = cls(materials=materials,
                copies=copies if copies is not None else max(materials, materials * 3 // 2),
                patrons=patrons if patrons is not None else max(50, materials // 10),
                loans=loans,
                authors=authors if authors is not None else max(40, min(materials // 2, int(materials ** 0.85))),
                holds=holds if holds is not None else max(20, loans // 20),
                branches=branches if branches is not None else (4 if materials < 100_000 else 5))
        s.validate()
        return s

    def validate(self) -> None:
        if self.materials < 20 or self.loans < 20 or self.patrons < 10 or self.authors < 10:
            raise ValueError(f"scale too small (need materials, loans >= 20, patrons, authors >= 10): {self}")
        if self.copies < self.materials:
            raise ValueError(f"every material needs a copy: copies ({self.copies}) < materials ({self.materials})")
        if not 3 <= self.branches <= 5:
            raise ValueError("branches must be 3 to 5 in total (MAIN included)")
        if self.holds < 10:
            raise ValueError("holds must be >= 10")
        if self.loans > 20 * self.copies:
            raise ValueError("at most 20 loans per copy")


PRESETS: dict[str, Scale] = {
    "demo": Scale.of(200, loans=300, copies=500, patrons=100, authors=90, holds=30, branches=4),
    "small": Scale.of(5_000, loans=10_000, copies=12_000, patrons=1_500),
    "1m": Scale.of(1_000_000, loans=1_000_000, copies=1_500_000, patrons=100_000),
}


def resolve_scale(scale: "str | int | Scale") -> Scale:
    if isinstance(scale, Scale):
        return scale
    if isinstance(scale, int):
        return Scale.of(scale)
    key = str(scale).strip().lower()
    if key in PRESETS:
        return PRESETS[key]
    if key.isdigit():
        return Scale.of(int(key))
