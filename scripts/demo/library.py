"""The library's setup: branches, closed days (public holidays and branch closures), circulation
policies, genres, and the demo users with their roles and argon2 password hashes."""
from __future__ import annotations

from scripts.demo.reference import (
    BRANCH_POOL,
    EXTRA_POLICIES,
    GENRES,
    PATRON_USERS,
    STAFF_USERS,
    demo_password,
    public_holidays,
)
from scripts.demo.state import Policy, Run
from scripts.demo.units import DAY, HOUR, to_cents


def write(run: Run) -> None:
    db, clock = run.db, run.clock
    branches = {code: bid for bid, code in db.rows("SELECT branch_id, code FROM branches")}
    if "MAIN" not in branches:
        raise RuntimeError("branch MAIN is missing: install the reference data first")
    new = []
    next_id = run.base["branches"]
    for code, name, address, phone, email in BRANCH_POOL[: run.scale.branches - 1]:
        if code not in branches:
            next_id += 1
            branches[code] = next_id
            new.append((next_id, code, name, address, phone, email, "Y"))
    run.write("branches", new, len(new))
    run.branch_codes = ["MAIN"] + [b[0] for b in BRANCH_POOL[: run.scale.branches - 1]]
    run.branch_ids = [branches[c] for c in run.branch_codes]
    run.nb = len(run.branch_ids)

    # closed days: public holidays library-wide, two closures per branch, never today
    rng = run.rng("closed_days")
    today = clock.today
    lo, hi = today - 120, today + 60
    wide: dict[int, str] = {}
    for year in range(clock.to_date(lo).year, clock.to_date(hi).year + 1):
        for d, name in public_holidays(year):
            n = clock.from_date(d)
            if lo <= n <= hi and n != today:
                wide[n] = name
    for upcoming, offsets in ((False, (-45, -75, -20, -100)), (True, (17, 38, 9, 52))):
        for off in offsets:  # at least two library-wide closures on each side of today
            if sum(1 for n in wide if (n > today) == upcoming) >= 2:
                break
            n = run.weekday(today + off)
            if n not in wide and n != today and lo <= n <= hi:
                wide[n] = "Staff development day"
    rows = []
    cid = run.base["closed_days"]
    for n in sorted(wide):
        cid += 1
        rows.append((cid, None, clock.day(n), wide[n]))
    past_reasons = ["Building maintenance", "Heating repair", "Electrical work", "Roof repair", "Flood cleanup"]
    next_reasons = ["Inventory day", "Staff training", "Network upgrade", "Floor refinishing", "Window replacement"]
    run.closed: dict[int, set[int]] = {}
    for bi, bid in enumerate(run.branch_ids):
        own = set()
        for sign, reasons, span in ((-1, past_reasons, (5, 100)), (1, next_reasons, (3, 55))):
            n = run.weekday(today + sign * rng.randint(*span))
            while n in wide or n in own or n == today:
                n = run.weekday(n + 1)
            own.add(n)
            cid += 1
            rows.append((cid, bid, clock.day(n), rng.choice(reasons)))
        run.closed[bi] = set(wide) | own
    run.write("closed_days", rows, len(rows))

    # circulation policies: add the extra scopes that are not there yet, then read them all
    def scope(b, c, t):
        return (b, c, t)
    have = {scope(b, c, t) for b, c, t in db.rows("SELECT branch_id, patron_category, material_type FROM circ_policies")}
    rows, pid = [], run.base["circ_policies"]
    for p in EXTRA_POLICIES:
        bid = branches.get(p[0]) if p[0] else None
        if p[0] and bid is None:
            continue
        if scope(bid, p[1], p[2]) in have:
            continue
        pid += 1
        rows.append((pid, bid) + p[1:])
    run.write("circ_policies", rows, len(rows))
    run.policies = [
        Policy(int(r[0]), r[1], r[2], r[3], int(r[4]), int(r[5]), to_cents(str(r[6])), int(r[7]),
                to_cents(str(r[8])), int(r[9]), r[10] == "Y", int(r[11]))
        for r in db.rows("SELECT policy_id, branch_id, patron_category, material_type, loan_days, max_renewals, "
                         "daily_fine, grace_days, max_fine, hold_pickup_days, holdable, lost_after_days "
                         "FROM circ_policies")]

    # genres
    have = {name: gid for gid, name in db.rows("SELECT genre_id, name FROM genres")}
    rows, gid = [], run.base["genres"]
    for name, parent, _ in GENRES:
        if name not in have:
            gid += 1
            have[name] = gid
            rows.append((gid, name, have[parent] if parent else None))
    run.write("genres", rows, len(rows))
    run.genre_ids = [have[g[0]] for g in GENRES]

    # demo users, each distinct password hashed once
    from argon2 import PasswordHasher
    hasher = PasswordHasher()
    hashes: dict[str, str] = {}
    roles = {code: rid for rid, code in db.rows("SELECT role_id, code FROM roles")}
    uid = run.base["users"]
    users, grants = [], []
    run.user_ids: dict[str, int] = {}
    created = clock.ts((today - 800) * DAY + 11 * HOUR)
    everyone = [(u, n, r) for u, n, r in STAFF_USERS] + [(u, f"{f} {l}", "PATRON") for u, f, l in PATRON_USERS]
    for username, full_name, role in everyone:
        pw = demo_password(username)
        if pw not in hashes:
            hashes[pw] = hasher.hash(pw)
        uid += 1
        run.user_ids[username] = uid
        email = (f"{username}@library.example.org" if role != "PATRON"
                 else f"{full_name.lower().replace(' ', '.')}@example.org")
        home = run.branch_ids[0] if role != "PATRON" else None  # staff work at MAIN
        users.append((uid, username, hashes[pw], full_name, email, "Y", "N", 0, home, created))
        grants.append((uid, roles[role], created))
    run.write("users", users, len(users))
    run.write("user_roles", grants, len(grants))
    run.desk_staff = [run.user_ids["librarian"], run.user_ids["manager"]]
