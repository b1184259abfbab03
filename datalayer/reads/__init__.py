"""Read queries of both faces (plain SQL over tables and views, engine-neutral with :name binds), one
module per area, and the paging rule."""


def in_list(prefix: str, values: list) -> tuple[str, dict]:
    """An IN list of named binds: ('(:m0, :m1)', {'m0': .., 'm1': ..})."""
    binds = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in binds) + ")", binds


def like_pattern(text: str) -> str:
    """'%TEXT%' upper-cased with LIKE's special characters escaped by backslash."""
    escaped = text.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def prefix_pattern(text: str) -> str:
    """'TEXT%' upper-cased with LIKE's special characters escaped by backslash: "starts with"."""
    return like_pattern(text)[1:]


# the paging rule of both faces: page numbers from 1, this many rows unless the client asks otherwise
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_offset(page: int, page_size: int = PAGE_SIZE) -> int:
    return (max(page, 1) - 1) * page_size
