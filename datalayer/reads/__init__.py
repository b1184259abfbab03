"""Read queries of both faces (plain SQL over tables and views, engine-neutral with :name binds), one
module per area, and the paging rule."""
from __future__ import annotations

from dataclasses import dataclass

# the balance rule of both faces: what is still owed on a fine (an OPEN fine's unpaid part; a paid, waived or
# refunded fine owes nothing) and a patron's balance (the sum over their fines), as SQL over `fines f`
FINE_BALANCE = "CASE WHEN f.status = 'OPEN' THEN f.amount - f.amount_paid ELSE 0 END"
PATRON_BALANCE = ("(SELECT COALESCE(SUM(f.amount - f.amount_paid), 0) FROM fines f "
                  "WHERE f.patron_id = p.patron_id AND f.status = 'OPEN')")


def in_list(prefix: str, values: list) -> tuple[str, dict]:
    """An IN list of named binds: ('(:m0, :m1)', {'m0': .., 'm1': ..})."""
    binds = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in binds) + ")", binds


def prefix_pattern(text: str) -> str:
    """'TEXT%' upper-cased with LIKE's special characters escaped by backslash: "starts with"."""
    return text.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# the paging rule of both faces: page numbers from 1, PAGE_SIZE rows unless the client asks otherwise
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_offset(page: int, page_size: int = PAGE_SIZE) -> int:
    return (max(page, 1) - 1) * page_size


@dataclass(frozen=True)
class Paging:
    """One page of a list: its number (from 1) and size; `pages(total)` for the pager."""
    number: int = 1
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return page_offset(self.number, self.size)

    def pages(self, total: int) -> int:
        return max((total + self.size - 1) // self.size, 1)
