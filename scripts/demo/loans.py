"""Circulation history: open, overdue and lost loans, two years of returned ones laid back in time per copy,
and the dates that follow from them (copies acquired, titles catalogued, patrons registered)."""
from __future__ import annotations

from typing import Iterator

from scripts.demo.reference import AVAILABLE, LOST, ON_LOAN, TYPES
from scripts.demo.state import Run, progress
from scripts.demo.units import DAY, HISTORY_DAYS, HOUR, OPEN_AT, snap_back


def plan(run: Run) -> None:
    s, clock = run.scale, run.clock
    rng = run.rng("loans")
    r = rng.random
    now, today = clock.now, clock.today
    nb = run.nb
    cmat, cbranch, cstatus, mtype, pcat = run.cmat, run.cbranch, run.cstatus, run.mtype, run.pcat
    policy, due_from = run.policy, run.due_from
    staff = run.desk_staff
    loans: list[tuple] = []   # (checkout, copy, patron, branch, policy, status, due, returned, return_branch,
    #                            renewals, last_renewed, checkout_by, return_by, return_condition, overridden)
    anchor: dict[int, int] = {}  # copy -> checkout of its open (ACTIVE or LOST) loan

    def staff_id() -> int | None:
        return staff[int(r() * 2)] if r() < 0.75 else None

    def open_loan(c: int, p: int, co: int, overdue: bool, lost: bool = False) -> None:
        b = cbranch[c] if r() < 0.95 else int(r() * nb)
        pol = policy(b, pcat[p], TYPES[mtype[cmat[c]]])
        renewals, last_renewed = 0, None
        due = due_from(co, pol.loan_days, b)
        if not overdue and not lost and pol.max_renewals and r() < 0.1 and co < now - DAY:
            rt = max(co + HOUR, snap_back(now - int(r() * (pol.loan_days - 1) * DAY)))
            if rt < now:
                renewals, last_renewed = 1, rt
                due = max(due, due_from(rt, pol.loan_days, b))
        loans.append((co, c, p, b, pol.policy_id, "LOST" if lost else "ACTIVE", due, None, None, renewals,
                      last_renewed, staff_id(), None, None, "Y" if r() < 0.01 else "N"))
        anchor[c] = co
        cstatus[c] = LOST if lost else ON_LOAN
        if lost:  # declared lost lost_after_days after the due date (the fine is assessed then too)
            run.lost_declared[c] = min(now, due + pol.lost_after * DAY + HOUR)

    run.lost_declared: dict[int, int] = {}
    # the demo patrons' open loans: patron1 two current loans, patron2 one ten days overdue
    demo_copies: list[int] = []
    for strict in (3, 2, 1, 0):  # prefer single-copy books at MAIN, settle for less on tiny scales
        for c in range(s.copies):
            if len(demo_copies) == 3:
                break
            if c in demo_copies or cstatus[c] != AVAILABLE or any(cmat[c] == cmat[d] for d in demo_copies):
                continue
            if (strict >= 1 and mtype[cmat[c]] != 0) or (strict >= 2 and cbranch[c] != 0) \
                    or (strict >= 3 and run.mcopy_count[cmat[c]] != 1):
                continue
            demo_copies.append(c)
    for c, p, days_ago in ((demo_copies[0], 0, 3), (demo_copies[1], 0, 9)):
        loans.append((today * DAY - days_ago * DAY + 11 * HOUR, c, p, 0, policy(0, "ADULT", "BOOK").policy_id,
                      "ACTIVE", due_from(today * DAY - days_ago * DAY, policy(0, "ADULT", "BOOK").loan_days, 0),
                      None, None, 0, None, staff[0], None, None, "N"))
        anchor[c] = loans[-1][0]
        cstatus[c] = ON_LOAN
    pol = policy(0, "ADULT", "BOOK")
    c = demo_copies[2]
    co = (today - pol.loan_days - 10) * DAY + 15 * HOUR
    loans.append((co, c, 1, 0, pol.policy_id, "ACTIVE", due_from(co, pol.loan_days, 0), None, None, 0, None,
                  staff[1], None, None, "N"))
    anchor[c] = co
    cstatus[c] = ON_LOAN
    run.demo_copies = demo_copies

    n_random = s.loans - len(loans)
    n_active = max(3, min(int(n_random * 0.12), int(s.copies * 0.25)))
    n_overdue = int(n_active * 0.3)
    n_lost = max(1, int(n_random * 0.005))
    n_returned = n_random - n_active - n_lost
    free = [c for c in range(s.copies) if cstatus[c] == AVAILABLE]
    picked = rng.sample(free, n_active + n_lost)
    per_patron: dict[int, int] = {}
    borrowers, nbor = run.borrowers, len(run.borrowers)

    def borrower(cap: int) -> int:
        for _ in range(8):
            p = borrowers[int(nbor * r())]
            if per_patron.get(p, 0) < cap:
                break
        per_patron[p] = per_patron.get(p, 0) + 1
        return p

    bar = progress(range(n_active + n_lost), n_active + n_lost, "plan open loans", run.progress)
    for k in bar:
        c = picked[k]
        p = borrower(8)
        lost = k >= n_active
        overdue = k < n_overdue
        b_guess = cbranch[c]
        pol = policy(b_guess, pcat[p], TYPES[mtype[cmat[c]]])
        L = pol.loan_days
        if lost:
            co = snap_back(now - (L + pol.lost_after + 5 + int(r() * 120)) * DAY - int(r() * DAY))
        elif overdue:
            late = 1 + int(r() ** 1.5 * max(1, min(45, pol.lost_after - 10)))
            co = snap_back(now - (L + late) * DAY - int(r() * DAY))
        elif r() < 0.1 and pol.max_renewals:
            co = snap_back(now - int((L + r() * (L - 1)) * DAY))
        else:
            co = snap_back(now - int(r() * (L - 1) * DAY))
        open_loan(c, p, co, overdue, lost)

    # returned loans: skewed to popular copies, at most 30 per copy, laid back in time from each copy's
    # open loan (or from now) so that loans of one copy never overlap
    ncop = s.copies
    kcount = [0] * ncop
    for _ in range(n_returned):
        c = int(ncop * r() ** 1.6)
        if kcount[c] >= 30:
            c = int(ncop * r())
            while kcount[c] >= 30:
                c = (c + 1) % ncop
        kcount[c] += 1
    span = HISTORY_DAYS * DAY
    conditions = ["Minor wear", "Cover scuffed", "Pencil marks on a few pages", "Water stain on the back cover",
                  "Spine creased", "Case cracked", "Dust jacket torn"]
    bar = progress(range(ncop), ncop, "plan history", run.progress)
    for c in bar:
        k = kcount[c]
        if not k:
            continue
        end = anchor.get(c) or now
        slot = span // k
        mt = TYPES[mtype[cmat[c]]]
        cb = cbranch[c]
        for _ in range(k):
            p = borrowers[int(nbor * r() ** 1.3)]
            b = cb if r() < 0.9 else int(r() * nb)
            pol = policy(b, pcat[p], mt)
            L = pol.loan_days
            gap = HOUR + int(r() * max(DAY, slot - L * DAY * 7 // 10))
            ret = snap_back(end - gap)
            want_renewals = min(pol.max_renewals, 1 + int(r() * 2)) if r() < 0.08 else 0
            if r() < 0.15:   # returned late
                dur = (L * (1 + want_renewals) + 1 + int(r() ** 2 * 30)) * DAY + int(r() * DAY // 2)
            else:
                dur = HOUR + int(r() * (L * (1 + want_renewals) - 1) * DAY * 0.97)
            co = snap_back(ret - dur)
            due = due_from(co, L, b)
            renewals, last_renewed = 0, None
            for _ in range(want_renewals):
                rt = snap_back(due - DAY - int(r() * 2 * DAY))
                if rt <= (last_renewed or co) or rt >= ret:
                    break
                renewals, last_renewed = renewals + 1, rt
                due = max(due, due_from(rt, L, b))
            rb = cb if r() < 0.85 else int(r() * nb)
            loans.append((co, c, p, b, pol.policy_id, "RETURNED", due, ret, rb, renewals, last_renewed,
                          staff_id(), staff_id(), conditions[int(r() * len(conditions))] if r() < 0.02 else None,
                          "N"))
            end = co

    # the demo patrons' history: on-time returns of adult borrowers handed to patron1 (3) and patron2 (2)
    wanted = [0, 0, 0, 1, 1]
    for i in range(len(loans) - 1, -1, -1):
        if not wanted:
            break
        L = loans[i]
        if L[5] == "RETURNED" and L[7] <= L[6] and pcat[L[2]] == "ADULT" and L[3] == 0:
            loans[i] = L[:2] + (wanted.pop(),) + L[3:]

    loans.sort(key=lambda x: (x[0], x[1]))
    run.loans = loans
    # per copy: first checkout and last return; per patron: first checkout; per loan: previous event on copy
    first_co: dict[int, int] = {}
    last_ret: dict[int, int] = {}
    pfirst: dict[int, int] = {}
    prev_event = [0] * len(loans)
    for li, L in enumerate(loans):
        c = L[1]
        if c not in first_co:
            first_co[c] = L[0]
        prev_event[li] = last_ret.get(c, 0)
        if L[7] is not None:
            last_ret[c] = L[7]
        if L[2] not in pfirst:
            pfirst[L[2]] = L[0]
    run.first_co, run.last_ret, run.pfirst, run.prev_event = first_co, last_ret, pfirst, prev_event
    run.anchor = anchor


def plan_dates(run: Run) -> None:
    s, clock = run.scale, run.clock
    rng = run.rng("dates")
    r = rng.random
    today = clock.today
    first_co = run.first_co
    run.cacq = cacq = [0] * s.copies
    for c in range(s.copies):
        f = first_co.get(c)
        if f is not None:
            cacq[c] = f // DAY - 1 - int(r() * 400)
        else:
            cacq[c] = today - 1 - int(3000 * r() ** 1.5)
    run.mcreated = mcreated = [0] * s.materials
    first = run.mcopy_first
    for i in range(s.materials):
        a = min(cacq[first[i]: first[i] + run.mcopy_count[i]])
        mcreated[i] = (a - int(r() * 20)) * DAY + OPEN_AT + int(r() * 10 * HOUR)
    # patrons register before their first loan; expiry depends on status
    run.preg = preg = [0] * s.patrons
    run.pexp = pexp = [0] * s.patrons
    run.pchanged: list[int | None] = [None] * s.patrons
    for p in range(s.patrons):
        d = today - 30 - int(r() ** 1.2 * 3600)
        f = run.pfirst.get(p)
        if f is not None:
            d = min(d, f // DAY - 1 - int(r() * 200))
        st = run.pstatus[p]
        if st in ("EXPIRED", "DELETED"):
            e = today - 1 - int(r() * 400)
            d = min(d, e - 3 * 365)
        else:
            e = today + 30 + int(r() * 1000)
        preg[p] = d * DAY + OPEN_AT + int(r() * 10 * HOUR)
        pexp[p] = e
        if st != "ACTIVE":
            lo = max(preg[p] + DAY, (e * DAY if st != "SUSPENDED" else clock.now - 60 * DAY))
            run.pchanged[p] = min(clock.now, lo + int(r() * 30 * DAY))
    if s.patrons > 3:  # demo patrons: registered two years ago, valid for two more
        for k in range(3):
            preg[k] = min(preg[k], (today - 730) * DAY + 10 * HOUR)
            pexp[k] = today + 730


def write(run: Run) -> None:
    clock = run.clock
    ts = clock.ts
    base, cbase, pbase = run.base["loans"], run.base["copies"], run.base["patrons"]
    bids = run.branch_ids

    def rows() -> Iterator[tuple]:
        for li, L in enumerate(run.loans):
            (co, c, p, b, pol, st, due, ret, rb, ren, lr, cby, rby, cond, ovr) = L
            yield (base + li + 1, cbase + c + 1, pbase + p + 1, bids[b], pol, st, ts(co), ts(due), ts(ret),
                   None if rb is None else bids[rb], ren, ts(lr), cby, rby, cond, ovr)
    run.write("loans", rows(), len(run.loans))
