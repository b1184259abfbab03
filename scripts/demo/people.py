"""Patrons: categories, statuses and home branches, names and addresses; the first three are the demo
patrons, linked to their users."""
from __future__ import annotations

from typing import Iterator

from scripts.demo.reference import CATEGORIES, PATRON_STATUS, PATRON_USERS
from scripts.demo.state import Run, picker
from scripts.demo.words import FIRST_NAMES, LAST_NAMES, STREET_KINDS, STREETS, TOWNS


def plan(run: Run) -> None:
    s = run.scale
    rng = run.rng("patrons")
    pick_cat = picker(rng, CATEGORIES)
    pick_status = picker(rng, PATRON_STATUS)
    r = rng.random
    n = s.patrons
    run.pcat = [pick_cat() for _ in range(n)]
    run.pstatus = [pick_status() for _ in range(n)]
    run.pbranch = [0 if r() < 0.4 else 1 + int(r() * (run.nb - 1)) for _ in range(n)]
    for k in range(len(PATRON_USERS)):  # the demo patrons: adults of MAIN in good standing
        run.pcat[k], run.pstatus[k], run.pbranch[k] = "ADULT", "ACTIVE", 0
    demo = len(PATRON_USERS)
    run.borrowers = [p for p in range(demo, n) if run.pstatus[p] in ("ACTIVE", "SUSPENDED")]
    run.active_patrons = [p for p in range(demo, n) if run.pstatus[p] == "ACTIVE"]
    if len(run.borrowers) < 5:
        raise ValueError("too few patrons to lend to")


def write(run: Run) -> None:
    s, clock = run.scale, run.clock
    rng = run.rng("patron_names")
    r = rng.random
    base = run.base["patrons"]
    nf, nl = len(FIRST_NAMES), len(LAST_NAMES)
    reasons = {"SUSPENDED": ["Fines over the blocking threshold", "Repeated overdue items",
                             "Damaged items not paid for"],
               "EXPIRED": ["Card not renewed"], "DELETED": ["Account closed at the patron's request",
                                                           "Moved away"]}
    demo = {k: (u, f, l) for k, (u, f, l) in enumerate(PATRON_USERS)}

    def rows() -> Iterator[tuple]:
        for p in range(s.patrons):
            if p in demo:
                u, first, last = demo[p]
                user_id = run.user_ids[u]
            else:
                first, last, user_id = FIRST_NAMES[int(r() * nf)], LAST_NAMES[int(r() * nl)], None
            pid = base + p + 1
            email = f"{first}.{last}{pid}@example.org".lower() if r() < 0.85 else None
            if p in demo:
                email = f"{first}.{last}@example.org".lower()
            phone = f"(555) 01{int(r() * 10)}-{int(r() * 10000):04d}" if r() < 0.8 or p in demo else None
            address = (f"{1 + int(r() * 400)} {STREETS[int(r() * len(STREETS))]} "
                       f"{STREET_KINDS[int(r() * len(STREET_KINDS))]}, {TOWNS[int(r() * len(TOWNS))]}")
            st = run.pstatus[p]
            reason = None if st == "ACTIVE" else reasons[st][int(r() * len(reasons[st]))]
            yield (pid, user_id, f"2100{pid:010d}", first, last, email, phone, address, run.pcat[p],
                   run.branch_ids[run.pbranch[p]], st, reason, clock.ts(run.pchanged[p]),
                   clock.ts(run.preg[p]), clock.day(run.pexp[p]))
    run.write("patrons", rows(), s.patrons)
