"""Read queries (plain SQL over tables and views, engine-neutral with :name binds), one module per area."""


def in_list(prefix: str, values: list) -> tuple[str, dict]:
    """An IN list of named binds: ('(:m0, :m1)', {'m0': .., 'm1': ..})."""
    binds = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in binds) + ")", binds


def like_pattern(text: str) -> str:
    """'%TEXT%' upper-cased with LIKE's special characters escaped by backslash."""
    escaped = text.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
