CREATE OR REPLACE PACKAGE BODY lib_holds_core AS

    -- Pickup deadline of a hold trapped now: end of the first open day of the pickup branch on or
    -- after today + the policy's hold_pickup_days.
    FUNCTION pickup_deadline(p_pickup_branch_id IN holds.pickup_branch_id%TYPE,
                             p_patron_id IN holds.patron_id%TYPE,
                             p_material_id IN holds.material_id%TYPE) RETURN DATE IS
        l_category  patrons.category%TYPE;
        l_type      materials.material_type%TYPE;
        l_policy_id circ_policies.policy_id%TYPE;
        l_days      circ_policies.hold_pickup_days%TYPE;
    BEGIN
        SELECT category INTO l_category FROM patrons WHERE patron_id = p_patron_id;
        SELECT material_type INTO l_type FROM materials WHERE material_id = p_material_id;
        l_policy_id := lib_policy.policy_for(p_pickup_branch_id, l_category, l_type);
        SELECT hold_pickup_days INTO l_days FROM circ_policies WHERE policy_id = l_policy_id;
        RETURN lib_calendar.end_of_day(lib_calendar.next_open_day(p_pickup_branch_id, lib_clock.today() + l_days));
    END pickup_deadline;

    -- Trap a copy for a (locked) hold: READY on the hold shelf when the copy is at the pickup
    -- branch, else PENDING with the copy IN_TRANSIT to it.
    PROCEDURE trap(p_hold_id IN holds.hold_id%TYPE, p_copy_id IN copies.copy_id%TYPE,
                   p_at_branch_id IN branches.branch_id%TYPE, p_pickup_branch_id IN holds.pickup_branch_id%TYPE,
                   p_patron_id IN holds.patron_id%TYPE, p_material_id IN holds.material_id%TYPE) IS
        l_expires holds.expires_at%TYPE;
        l_now     holds.ready_at%TYPE;
    BEGIN
        l_now := lib_clock.now_utc();
        IF p_at_branch_id = p_pickup_branch_id THEN
            l_expires := pickup_deadline(p_pickup_branch_id, p_patron_id, p_material_id);
            UPDATE holds
               SET status = 'READY',
                   copy_id = p_copy_id,
                   ready_at = l_now,
                   expires_at = l_expires,
                   suspended_until = NULL
             WHERE hold_id = p_hold_id;
            UPDATE copies
               SET status = 'ON_HOLD_SHELF',
                   status_changed_at = l_now
             WHERE copy_id = p_copy_id;
            lib_notices_core.queue('HOLD_READY', p_patron_id, p_hold_id, NULL, p_hold_id);
        ELSE
            -- a copy taken off the hold shelf elsewhere waits again: its shelf time starts on arrival
            UPDATE holds
               SET status = 'PENDING',
                   copy_id = p_copy_id,
                   ready_at = NULL,
                   expires_at = NULL,
                   suspended_until = NULL
             WHERE hold_id = p_hold_id;
            UPDATE copies
               SET status = 'IN_TRANSIT',
                   status_changed_at = l_now
             WHERE copy_id = p_copy_id;
        END IF;
    END trap;

    -- Trap the copy for the first eligible PENDING hold on its title; returns the hold id or NULL.
    -- The first candidate in placement order is read without a lock (one row, straight from the
    -- queue index, however long the queue), then locked and re-checked: when a concurrent return
    -- took it meanwhile, the next candidate after it is read. Two returns never trap two copies for
    -- one hold, and a return never waits for more than the one hold row it is about to take.
    FUNCTION trap_next(p_copy_id IN copies.copy_id%TYPE, p_at_branch_id IN branches.branch_id%TYPE)
        RETURN NUMBER IS
        l_material_id  holds.material_id%TYPE;
        l_today        patrons.expires_on%TYPE;
        l_candidate_id holds.hold_id%TYPE;
        l_after_id     holds.hold_id%TYPE;
        l_after_placed holds.placed_at%TYPE;
        l_status       holds.status%TYPE;
        l_copy_id      holds.copy_id%TYPE;
        l_patron_id    holds.patron_id%TYPE;
        l_pickup_id    holds.pickup_branch_id%TYPE;
        l_trapped_id   holds.hold_id%TYPE;
        l_now          holds.suspended_until%TYPE;
    BEGIN
        SELECT material_id INTO l_material_id FROM copies WHERE copy_id = p_copy_id;
        l_now := lib_clock.now_utc();
        l_today := lib_clock.today();
        -- suspensions that have run out end now
        UPDATE holds
           SET status = 'PENDING',
               suspended_until = NULL
         WHERE material_id = l_material_id
           AND status = 'SUSPENDED'
           AND suspended_until <= l_now;
        LOOP
            l_candidate_id := NULL;
            FOR r_hold IN (SELECT h.hold_id, h.placed_at
                             FROM holds h
                             JOIN patrons p ON p.patron_id = h.patron_id
                            WHERE h.material_id = l_material_id
                              AND h.status = 'PENDING'
                              AND h.copy_id IS NULL
                              AND p.status = 'ACTIVE'
                              AND p.expires_on >= l_today
                              AND (l_after_id IS NULL
                                   OR h.placed_at > l_after_placed
                                   OR (h.placed_at = l_after_placed AND h.hold_id > l_after_id))
                            ORDER BY h.placed_at, h.hold_id
                            FETCH FIRST 1 ROWS ONLY) LOOP
                l_candidate_id := r_hold.hold_id;
                l_after_placed := r_hold.placed_at;
            END LOOP;
            EXIT WHEN l_candidate_id IS NULL;
            SELECT status, copy_id, patron_id, pickup_branch_id
              INTO l_status, l_copy_id, l_patron_id, l_pickup_id
              FROM holds
             WHERE hold_id = l_candidate_id
               FOR UPDATE;
            IF l_status = 'PENDING' AND l_copy_id IS NULL THEN
                trap(l_candidate_id, p_copy_id, p_at_branch_id, l_pickup_id, l_patron_id, l_material_id);
                l_trapped_id := l_candidate_id;
            END IF;
            EXIT WHEN l_trapped_id IS NOT NULL;
            l_after_id := l_candidate_id;
        END LOOP;
        RETURN l_trapped_id;
    END trap_next;

    -- A copy that was on the hold shelf goes to the next hold, or back to AVAILABLE.
    PROCEDURE pass_on(p_copy_id IN copies.copy_id%TYPE, p_at_branch_id IN branches.branch_id%TYPE) IS
        l_next_id holds.hold_id%TYPE;
    BEGIN
        l_next_id := trap_next(p_copy_id, p_at_branch_id);
        IF l_next_id IS NULL THEN
            UPDATE copies
               SET status = 'AVAILABLE',
                   status_changed_at = lib_clock.now_utc()
             WHERE copy_id = p_copy_id
               AND status = 'ON_HOLD_SHELF';
        END IF;
    END pass_on;

    FUNCTION expire_ready(p_hold_id IN holds.hold_id%TYPE, p_copy_id IN copies.copy_id%TYPE, p_as_of IN DATE)
        RETURN NUMBER IS
        l_hold_id   holds.hold_id%TYPE := p_hold_id;
        l_patron_id holds.patron_id%TYPE;
    BEGIN
        UPDATE holds
           SET status = 'EXPIRED',
               closed_at = lib_clock.now_utc(),
               close_reason = 'Not collected by the pickup deadline'
         WHERE hold_id = l_hold_id
           AND status = 'READY'
           AND copy_id = p_copy_id
           AND expires_at < p_as_of;
        IF SQL%ROWCOUNT = 0 THEN
            RETURN 0;
        END IF;
        SELECT patron_id INTO l_patron_id FROM holds WHERE hold_id = l_hold_id;
        lib_notices_core.queue('HOLD_EXPIRED', l_patron_id, p_hold_id, NULL, p_hold_id);
        RETURN 1;
    END expire_ready;

    -- Lock a copy row (no row, no lock). p_wait = 0: do not wait for another session's lock, fail at
    -- once (ORA-00054 / SQLSTATE 55P03, a retryable conflict for the API): for a caller that already
    -- holds a hold, where waiting for the copy would invert the lock order (copy, then hold).
    PROCEDURE lock_copy(p_copy_id IN copies.copy_id%TYPE, p_wait IN NUMBER) IS
    BEGIN
        IF p_wait = 0 THEN
            FOR r_copy IN (SELECT copy_id FROM copies WHERE copy_id = p_copy_id FOR UPDATE NOWAIT) LOOP
                EXIT WHEN r_copy.copy_id = p_copy_id; -- the key: one row at most
            END LOOP;
        ELSE
            FOR r_copy IN (SELECT copy_id FROM copies WHERE copy_id = p_copy_id FOR UPDATE) LOOP
                EXIT WHEN r_copy.copy_id = p_copy_id;
            END LOOP;
        END IF;
    END lock_copy;

    PROCEDURE on_checkout(p_patron_id IN NUMBER, p_copy_id IN NUMBER, p_loan_id IN NUMBER) IS
        l_patron_id   holds.patron_id%TYPE := p_patron_id;
        l_loan_copy   copies.copy_id%TYPE := p_copy_id;
        l_loan_id     loans.loan_id%TYPE := p_loan_id;
        l_material_id holds.material_id%TYPE;
        l_hold_id     holds.hold_id%TYPE;
        l_status      holds.status%TYPE;
        l_copy_id     holds.copy_id%TYPE;
        l_pickup_id   holds.pickup_branch_id%TYPE;
        l_same        NUMBER;
        l_pass        NUMBER;
    BEGIN
        SELECT material_id INTO l_material_id FROM copies WHERE copy_id = l_loan_copy;
        -- The hold is read without a lock, then locked after the copy it may hold on the hold shelf
        -- (lock order copy, then hold, as everywhere: that copy is passed on below), and re-read:
        -- when it changed meanwhile (expired, cancelled, trapped), the choice is made again.
        l_pass := 0;
        LOOP
            l_hold_id := NULL;
            FOR r_hold IN (SELECT hold_id, status, copy_id, pickup_branch_id
                             FROM holds
                            WHERE patron_id = l_patron_id
                              AND material_id = l_material_id
                              AND status IN (SELECT hs.code FROM hold_statuses hs WHERE hs.is_active = 'Y')
                            ORDER BY CASE
                                         WHEN copy_id = l_loan_copy THEN 0
                                         WHEN status = 'READY' THEN 1
                                         ELSE 2
                                     END,
                                     placed_at, hold_id
                            FETCH FIRST 1 ROWS ONLY) LOOP
                l_hold_id := r_hold.hold_id;
                l_status := r_hold.status;
                l_copy_id := r_hold.copy_id;
                l_pickup_id := r_hold.pickup_branch_id;
            END LOOP;
            EXIT WHEN l_hold_id IS NULL;
            IF l_copy_id IS NOT NULL AND l_copy_id <> l_loan_copy THEN
                lock_copy(l_copy_id, CASE WHEN l_pass = 0 THEN 1 ELSE 0 END); -- later passes hold a hold
            END IF;
            l_pass := l_pass + 1;
            l_same := 0;
            FOR r_hold IN (SELECT status, copy_id FROM holds WHERE hold_id = l_hold_id FOR UPDATE) LOOP
                IF r_hold.status = l_status
                   AND ((r_hold.copy_id IS NULL AND l_copy_id IS NULL) OR r_hold.copy_id = l_copy_id) THEN
                    l_same := 1;
                END IF;
            END LOOP;
            EXIT WHEN l_same = 1;
        END LOOP;
        IF l_hold_id IS NULL THEN
            RETURN;
        END IF;
        UPDATE holds
           SET status = 'FULFILLED',
               loan_id = l_loan_id,
               closed_at = lib_clock.now_utc(),
               close_reason = 'Checked out',
               suspended_until = NULL
         WHERE hold_id = l_hold_id;
        -- the patron took another copy than the one waiting on the hold shelf for them
        IF l_status = 'READY' AND l_copy_id <> l_loan_copy THEN
            pass_on(l_copy_id, l_pickup_id);
        END IF;
    END on_checkout;

    PROCEDURE on_checkin(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_hold_id OUT NUMBER) IS
        l_copy_id     copies.copy_id%TYPE := p_copy_id;
        l_branch_id   branches.branch_id%TYPE := p_branch_id;
        l_hold_id     holds.hold_id%TYPE;
        l_status      holds.status%TYPE;
        l_patron_id   holds.patron_id%TYPE;
        l_material_id holds.material_id%TYPE;
        l_pickup_id   holds.pickup_branch_id%TYPE;
        l_expires     holds.expires_at%TYPE;
    BEGIN
        -- a copy already trapped: in transit to its pickup branch, or scanned again on the shelf
        FOR r_hold IN (SELECT hold_id, status, patron_id, material_id, pickup_branch_id, expires_at
                         FROM holds
                        WHERE copy_id = l_copy_id
                          AND (status = 'PENDING' OR status = 'READY')
                          FOR UPDATE) LOOP
            l_hold_id := r_hold.hold_id;
            l_status := r_hold.status;
            l_patron_id := r_hold.patron_id;
            l_material_id := r_hold.material_id;
            l_pickup_id := r_hold.pickup_branch_id;
            l_expires := r_hold.expires_at;
        END LOOP;
        -- past its pickup deadline, not yet expired by the job: expired now, the copy is free for the queue
        IF l_status = 'READY' AND l_expires < lib_clock.now_utc() THEN
            IF expire_ready(l_hold_id, l_copy_id, lib_clock.now_utc()) = 1 THEN
                l_hold_id := NULL;
            END IF;
        END IF;
        IF l_hold_id IS NULL THEN
            l_hold_id := trap_next(l_copy_id, l_branch_id);
        ELSIF l_status = 'PENDING' OR l_pickup_id <> l_branch_id THEN
            -- in transit: arrives or goes on; READY but scanned at another branch (Koha, Evergreen): it is not
            -- on its hold shelf, so it travels back there for the same hold; at the pickup branch nothing changes
            trap(l_hold_id, l_copy_id, l_branch_id, l_pickup_id, l_patron_id, l_material_id);
        END IF;
        p_hold_id := l_hold_id;
    END on_checkin;

    PROCEDURE release_copy(p_copy_id IN NUMBER) IS
        l_copy_id holds.copy_id%TYPE := p_copy_id;
    BEGIN
        UPDATE holds
           SET status = 'PENDING',
               copy_id = NULL,
               ready_at = NULL,
               expires_at = NULL
         WHERE copy_id = l_copy_id
           AND (status = 'PENDING' OR status = 'READY');
    END release_copy;

    PROCEDURE leave_circulation(p_copy_id IN NUMBER, p_reason IN VARCHAR2) IS
        l_copy_id transits.copy_id%TYPE := p_copy_id;
    BEGIN
        release_copy(p_copy_id);
        UPDATE transits
           SET cancelled_at = lib_clock.now_utc(),
               cancelled_by = lib_session.actor(),
               cancel_reason = p_reason
         WHERE copy_id = l_copy_id
           AND received_at IS NULL
           AND cancelled_at IS NULL;
    END leave_circulation;

END lib_holds_core;
/
