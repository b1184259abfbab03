"""Fines for late and lost loans, as the policies and the nightly accrual would have charged them, and the
payments (and waivers) that closed some of them."""
from __future__ import annotations

from typing import Iterator

from scripts.demo.state import Run, picker
from scripts.demo.units import DAY, HOUR, MINUTE, cents


def plan(run: Run) -> None:
    clock = run.clock
    rng = run.rng("fines")
    r = rng.random
    now, today = clock.now, clock.today
    pol_by_id = {p.policy_id: p for p in run.policies}
    cost = run.mcost
    fines: list[tuple] = []     # (patron, loan_index, type, amount, paid, status, assessed, accrued, desc,
    #                              closed, waived_by, waive_reason)
    payments: list[tuple] = []  # (fine_index, patron, amount, method, paid_at, received_by, note)
    methods = (("CARD", 0.40), ("CASH", 0.35), ("ONLINE", 0.20), ("CHECK", 0.05))
    pick_method = picker(rng, methods)
    waive_reasons = ["First-time late return", "Closed-day return dispute", "Book drop was jammed",
                     "Hospital stay, documentation seen", "Goodwill: long-standing patron"]
    manager = run.user_ids["manager"]
    staff = run.desk_staff

    def days_late(due: int, through_day: int, b: int) -> int:
        dd = due // DAY
        n = through_day - dd
        if n <= 0:
            return 0
        return n - sum(1 for x in run.closed[b] if dd < x <= through_day)

    def pay(fi: int, p: int, amount: int, start: int) -> int:
        m = pick_method()
        t = min(now, start + int(r() ** 2 * 20 * DAY))
        payments.append((fi, p, amount, m, t, None if m == "ONLINE" else staff[int(r() * 2)], None))
        return t

    for li, L in enumerate(run.loans):
        status, p = L[5], L[2]
        pol = pol_by_id[L[4]]
        if status == "RETURNED":
            if L[7] <= L[6] or not pol.daily_fine:
                continue
            n = days_late(L[6], L[7] // DAY, L[3])
            if n <= pol.grace_days:
                continue
            amount = min(pol.max_fine, n * pol.daily_fine)
            if amount <= 0:
                continue
            fi = len(fines)
            x = r()
            assessed, accrued = L[7], (L[7] // DAY) * DAY
            desc = f"Overdue: returned {n} day{'s' if n > 1 else ''} late"
            if x < 0.55:        # paid, sometimes in two instalments
                if amount >= 200 and r() < 0.15:
                    part = amount // 2
                    t = pay(fi, p, part, assessed)
                    t = pay(fi, p, amount - part, t)
                else:
                    t = pay(fi, p, amount, assessed)
                fines.append((p, li, "OVERDUE", amount, amount, "PAID", assessed, accrued, desc, t, None, None))
            elif x < 0.88:      # open, a third of them partly paid
                paid = 0
                if amount >= 2 and r() < 0.33:
                    paid = 1 + int(r() * (amount - 1))
                    pay(fi, p, paid, assessed)
                fines.append((p, li, "OVERDUE", amount, paid, "OPEN", assessed, accrued, desc, None, None, None))
            else:
                closed = min(now, assessed + HOUR + int(r() * 5 * DAY))
                fines.append((p, li, "OVERDUE", amount, 0, "WAIVED", assessed, accrued, desc, closed, manager,
                              waive_reasons[int(r() * len(waive_reasons))]))
        elif status == "ACTIVE":
            if L[6] >= now or not pol.daily_fine:
                continue
            through = today - 1   # the nightly accrual has charged up to yesterday
            n = days_late(L[6], through, L[3])
            if n <= pol.grace_days:
                continue
            amount = min(pol.max_fine, n * pol.daily_fine)
            if amount <= 0:
                continue
            assessed = min((L[6] // DAY + 1 + pol.grace_days) * DAY + 23 * HOUR + 30 * MINUTE, now)
            fines.append((p, li, "OVERDUE", amount, 0, "OPEN", assessed, through * DAY,
                          "Overdue: accruing nightly", None, None, None))
        else:  # LOST: the replacement cost billed when the loan was declared lost
            amount = cost[run.cmat[L[1]]]
            assessed = run.lost_declared[L[1]]
            fi = len(fines)
            if r() < 0.3:
                t = pay(fi, p, amount, assessed)
                fines.append((p, li, "LOST", amount, amount, "PAID", assessed, None,
                              "Replacement cost of a lost copy", t, None, None))
            else:
                fines.append((p, li, "LOST", amount, 0, "OPEN", assessed, None,
                              "Replacement cost of a lost copy", None, None, None))
    run.fines, run.payments = fines, payments


def write(run: Run) -> None:
    ts = run.clock.ts
    base, pbase, lbase, paybase = (run.base[t] for t in ("fines", "patrons", "loans", "payments"))

    def fines() -> Iterator[tuple]:
        for fi, f in enumerate(run.fines):
            p, li, kind, amount, paid, st, assessed, accrued, desc, closed, wby, wr = f
            yield (base + fi + 1, pbase + p + 1, lbase + li + 1, kind, cents(amount), cents(paid), st,
                   ts(assessed), ts(accrued), desc, ts(closed), wby, wr)
    run.write("fines", fines(), len(run.fines))

    def payments() -> Iterator[tuple]:
        for k, pm in enumerate(run.payments):
            fi, p, amount, method, at, by, note = pm
            yield (paybase + k + 1, base + fi + 1, pbase + p + 1, cents(amount), method, ts(at), by, note)
    run.write("payments", payments(), len(run.payments))
