"""Renew all: the per-loan answer of lib_circulation.renew_all, read once for both faces (the API's renew-all
route and the staff desk's Renew all)."""
from __future__ import annotations

from datetime import datetime


def _names(field: str) -> list[str]:
    return field.split(",") if field else []


def renew_all_results(text: str | None) -> list[dict]:
    """Each entry of renew_all's p_results (';'-separated): loan_id|OK|due|renewals|overridden for a renewed loan,
    loan_id|CODE|reasons|overridable for a refused one (comma-separated app_errors names)."""
    results = []
    for line in (text or "").split(";"):
        if not line:
            continue
        loan_id, outcome, rest, *more = line.split("|")
        if outcome == "OK":
            results.append({"loan_id": int(loan_id), "ok": True,
                            "due_at": datetime.strptime(rest, "%Y-%m-%d %H:%M:%S"), "renewals": int(more[0]),
                            "overridden": _names(more[1] if len(more) > 1 else "")})
        else:
            results.append({"loan_id": int(loan_id), "ok": False, "code": outcome, "reasons": _names(rest),
                            "overridable": _names(more[0] if more else "")})
    return results
