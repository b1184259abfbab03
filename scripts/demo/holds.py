"""Holds: queues for titles with every copy out, READY holds on the hold shelf, and the fulfilled,
cancelled and expired history."""
from __future__ import annotations

from typing import Iterator

from scripts.demo.reference import AVAILABLE, ON_HOLD_SHELF, ON_LOAN, TYPES
from scripts.demo.state import Run
from scripts.demo.units import DAY, HOUR, MINUTE, snap_back


def plan(run: Run) -> None:
    s, clock = run.scale, run.clock
    rng = run.rng("holds")
    r = rng.random
    now, today = clock.now, clock.today
    holds: list[tuple] = []  # (placed, patron, material, pickup, status, copy, ready, expires, suspended_until,
    #                          closed, close_reason, loan_index)
    H = s.holds
    n_fulfilled, n_cancelled, n_expired = int(H * 0.22), int(H * 0.12), int(H * 0.08)
    n_ready = max(2, int(H * 0.10))
    n_queue = H - n_fulfilled - n_cancelled - n_expired - n_ready
    cstatus, cmat, mtype = run.cstatus, run.cmat, run.mtype
    first, count = run.mcopy_first, run.mcopy_count
    holdable = [t != 4 for t in range(len(TYPES))]   # magazines are not holdable (policy)
    run.hold_shelf_at: dict[int, int] = {}
    active_pairs = {(L[2], cmat[L[1]]) for L in run.loans if L[5] == "ACTIVE"}
    taken: set[tuple[int, int]] = set()
    per_patron: dict[int, int] = {}
    pool, npool = run.active_patrons, len(run.active_patrons)

    def holder(m: int) -> int | None:
        for _ in range(12):
            p = pool[int(npool * r())]
            if per_patron.get(p, 0) < 5 and (p, m) not in taken and (p, m) not in active_pairs:
                per_patron[p] = per_patron.get(p, 0) + 1
                taken.add((p, m))
                return p
        return None

    def pickup(p: int) -> int:
        return run.pbranch[p] if r() < 0.85 else int(r() * run.nb)

    def expires(ready: int, b: int, m: int, p: int) -> int:
        days = run.policy(b, run.pcat[p], TYPES[mtype[m]]).pickup_days
        return run.due_from(ready, days, b)

    # queues: titles whose every copy is out on loan (nothing to trap), PENDING in placement order
    queue_mats = [m for m in range(s.materials) if holdable[mtype[m]]
                  and all(cstatus[c] == ON_LOAN for c in range(first[m], first[m] + count[m]))]
    demo_mat = cmat[run.demo_copies[0]]  # patron1 borrows it, so not a queue for patron1
    queue_mats = [m for m in queue_mats if m != demo_mat and (0, m) not in active_pairs]
    rng.shuffle(queue_mats)
    made = 0
    patron1_waits = False
    for qi, m in enumerate(queue_mats):
        if made >= n_queue:
            break
        qlen = 1 + int(r() ** 2.5 * 6)
        t = snap_back(now - int((1 + r() * 25) * DAY))   # after every patron's registration
        members: list[int | None] = []
        if qi == 0:   # patron1 is first in the first queue
            taken.add((0, m))
            members.append(0)
            patron1_waits = True
        members += [holder(m) for _ in range(qlen - len(members))]
        for p in members:
            if p is None or made >= n_queue or t >= now:
                continue
            susp = run.clock.day(today + 3 + int(r() * 30)) if p and r() < 0.06 else None
            holds.append((t, p, m, 0 if p == 0 else pickup(p), "SUSPENDED" if susp else "PENDING",
                          None, None, None, susp, None, None, None))
            made += 1
            t += HOUR + int(r() * 3 * DAY)
    n_cancelled += n_queue - made   # not enough fully lent titles: more history instead

    # READY: an available copy trapped on the hold shelf of its own branch
    ready_mats = [m for m in range(s.materials) if holdable[mtype[m]]
                  and any(cstatus[c] == AVAILABLE for c in range(first[m], first[m] + count[m]))]
    made = 0
    for m in rng.sample(ready_mats, min(len(ready_mats), n_ready * 2)):
        if made >= n_ready:
            break
        if patron1_waits or (0, m) in active_pairs:
            p = holder(m)
            if p is None:
                continue
        else:           # no title to queue for: patron1's hold is a READY one instead
            p, patron1_waits = 0, True
            taken.add((0, m))
        c = next(c for c in range(first[m], first[m] + count[m]) if cstatus[c] == AVAILABLE)
        b = run.cbranch[c]
        days = run.policy(b, run.pcat[p], TYPES[mtype[m]]).pickup_days
        lo = max(run.last_ret.get(c, 0) + MINUTE, (run.cacq[c] + 1) * DAY, now - (days - 1) * DAY)
        ready = lo + int(r() * (now - lo))
        placed = max((run.cacq[c] + 1) * DAY, ready - HOUR - int(r() * 10 * DAY), run.preg[p] + DAY)
        placed = min(placed, ready)
        cstatus[c] = ON_HOLD_SHELF
        run.hold_shelf_at[c] = ready
        holds.append((placed, p, m, b, "READY", c, ready, expires(ready, b, m, p), None, None, None, None))
        made += 1
    n_cancelled += n_ready - made

    # FULFILLED: the hold that a loan filled (placed before, trapped just before the checkout)
    loans = run.loans
    for li in rng.sample(range(len(loans)), min(n_fulfilled, len(loans))):
        L = loans[li]
        if L[2] < 3:
            n_cancelled += 1
            continue
        m = cmat[L[1]]
        ready = max(run.prev_event[li] + MINUTE, L[0] - MINUTE - int(r() * 2 * DAY), (run.cacq[L[1]] + 1) * DAY)
        placed = min(ready, max(ready - HOUR - int(r() * 14 * DAY), run.preg[L[2]] + HOUR))
        holds.append((placed, L[2], m, L[3], "FULFILLED", L[1], ready, expires(ready, L[3], m, L[2]), None,
                      L[0], None, li))

    # CANCELLED and EXPIRED history
    reasons = ["Cancelled by patron", "No longer needed", "Bought a copy", "Placed by mistake",
               "Cancelled by staff: duplicate request"]
    nm = s.materials
    for k in range(n_cancelled + n_expired):
        m = int(nm * r())
        p = run.borrowers[int(len(run.borrowers) * r())]
        if k < n_cancelled:
            placed = max(snap_back(now - int((2 + r() * 600) * DAY)), run.preg[p] + DAY)
            closed = min(now, placed + HOUR + int(r() * 20 * DAY))
            holds.append((placed, p, m, pickup(p), "CANCELLED", None, None, None, None, closed,
                          reasons[int(r() * len(reasons))], None))
        else:
            placed = max(snap_back(now - int((30 + r() * 600) * DAY)), run.preg[p] + DAY)
            c = first[m] + int(r() * count[m])
            ready = max(placed + HOUR + int(r() * 10 * DAY), (run.cacq[c] + 1) * DAY)
            b = run.cbranch[c]
            exp = expires(ready, b, m, p)
            if exp >= now:   # a young patron record: make it a cancellation instead
                holds.append((placed, p, m, pickup(p), "CANCELLED", None, None, None, None, min(now, placed + HOUR),
                              reasons[0], None))
                continue
            holds.append((placed, p, m, b, "EXPIRED", c, ready, exp, None, exp + 1,
                          "Not collected by the pickup deadline", None))
    holds.sort(key=lambda h: (h[0], h[2], h[1]))
    run.holds = holds


def write(run: Run) -> None:
    clock = run.clock
    ts = clock.ts
    base, pbase, mbase, cbase, lbase = (run.base[t] for t in ("holds", "patrons", "materials", "copies", "loans"))
    bids = run.branch_ids

    def rows() -> Iterator[tuple]:
        for hi, h in enumerate(run.holds):
            placed, p, m, b, st, c, ready, exp, susp, closed, reason, li = h
            yield (base + hi + 1, pbase + p + 1, mbase + m + 1, bids[b], st, ts(placed),
                   None if c is None else cbase + c + 1, ts(ready), ts(exp), susp, ts(closed), reason,
                   None if li is None else lbase + li + 1)
    run.write("holds", rows(), len(run.holds))
