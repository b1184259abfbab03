CREATE OR REPLACE PACKAGE BODY lib_holds AS

    -- Public routines take plain NUMBER keys (callers may bind any numeric type) and copy them into
    -- locals anchored to the key columns before any SQL: on PostgreSQL NUMBER is numeric, and
    -- "bigint_column = numeric_value" casts the column and so cannot use its index. Private
    -- routines take anchored parameters. On Oracle both are the same NUMBER.

    -- Pass for the user linked to the patron, else HOLD_MANAGE is required (which system work with no
    -- actor passes, and no other caller without an actor).
    PROCEDURE require_owner_or_staff(p_patron_id IN patrons.patron_id%TYPE) IS
        l_actor users.user_id%TYPE;
        l_count NUMBER := 0;
    BEGIN
        l_actor := lib_session.actor();
        IF l_actor IS NOT NULL THEN
            SELECT COUNT(*) INTO l_count FROM patrons WHERE patron_id = p_patron_id AND user_id = l_actor;
        END IF;
        IF l_count = 0 THEN
            lib_auth.require_permission('HOLD_MANAGE');
        END IF;
    END require_owner_or_staff;

    -- An open hold: its status is_active in hold_statuses (waiting, suspended or ready).
    FUNCTION is_open(p_status IN holds.status%TYPE) RETURN BOOLEAN IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM hold_statuses hs WHERE hs.code = p_status AND hs.is_active = 'Y';
        RETURN l_count > 0;
    END is_open;

    FUNCTION queue_position(p_hold_id IN NUMBER) RETURN NUMBER IS
        l_hold_id     holds.hold_id%TYPE := p_hold_id;
        l_status      holds.status%TYPE;
        l_material_id holds.material_id%TYPE;
        l_placed_at   holds.placed_at%TYPE;
        l_count       NUMBER;
    BEGIN
        FOR r_hold IN (SELECT status, material_id, placed_at FROM holds WHERE hold_id = l_hold_id) LOOP
            l_status := r_hold.status;
            l_material_id := r_hold.material_id;
            l_placed_at := r_hold.placed_at;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('HOLD_NOT_FOUND', 'hold ' || TO_CHAR(p_hold_id));
        END IF;
        IF NOT is_open(l_status) THEN
            RETURN NULL;
        END IF;
        SELECT COUNT(*)
          INTO l_count
          FROM holds
         WHERE material_id = l_material_id
           AND status IN (SELECT hs.code FROM hold_statuses hs WHERE hs.is_active = 'Y')
           AND (placed_at < l_placed_at OR (placed_at = l_placed_at AND hold_id <= l_hold_id));
        RETURN l_count;
    END queue_position;

    PROCEDURE place(p_patron_id IN NUMBER, p_material_id IN NUMBER, p_pickup_branch_id IN NUMBER,
                    p_hold_id OUT NUMBER, p_queue_position OUT NUMBER) IS
        l_patron_id   patrons.patron_id%TYPE := p_patron_id;
        l_material_id materials.material_id%TYPE := p_material_id;
        l_type        materials.material_type%TYPE;
        l_status      patrons.status%TYPE;
        l_category    patrons.category%TYPE;
        l_home_id     patrons.home_branch_id%TYPE;
        l_pickup_id   holds.pickup_branch_id%TYPE;
        l_policy_id   circ_policies.policy_id%TYPE;
        l_holdable    circ_policies.holdable%TYPE;
        l_hold_limit  circ_policies.hold_limit%TYPE;
        l_threshold   circ_policies.fine_block_threshold%TYPE;
        l_hold_id     holds.hold_id%TYPE;
        l_count       NUMBER;
    BEGIN
        -- the patron row is locked: two placements for one patron run one after the other,
        -- so the duplicate and limit checks hold
        FOR r_patron IN (SELECT status, category, home_branch_id
                           FROM patrons
                          WHERE patron_id = l_patron_id
                            FOR UPDATE) LOOP
            l_status := r_patron.status;
            l_category := r_patron.category;
            l_home_id := r_patron.home_branch_id;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('PATRON_NOT_FOUND', 'patron ' || TO_CHAR(p_patron_id));
        END IF;
        require_owner_or_staff(l_patron_id);
        SELECT MAX(material_type) INTO l_type FROM materials WHERE material_id = l_material_id;
        IF l_type IS NULL THEN
            lib_err.raise_error('MATERIAL_NOT_FOUND', 'material ' || TO_CHAR(p_material_id));
        END IF;
        l_pickup_id := NVL(p_pickup_branch_id, l_home_id);
        SELECT COUNT(*) INTO l_count FROM branches WHERE branch_id = l_pickup_id AND is_active = 'Y';
        IF l_count = 0 THEN
            lib_err.raise_error('PICKUP_BRANCH_INVALID', 'branch ' || TO_CHAR(l_pickup_id));
        END IF;
        l_policy_id := lib_policy.policy_for(l_pickup_id, l_category, l_type);
        SELECT holdable, hold_limit, fine_block_threshold
          INTO l_holdable, l_hold_limit, l_threshold
          FROM circ_policies
         WHERE policy_id = l_policy_id;
        -- the patron's standing, the rule checkout and renewal apply too (the pickup branch's policy's threshold)
        lib_patrons.check_standing(l_patron_id, l_threshold);
        IF l_holdable <> 'Y' THEN
            lib_err.raise_error('MATERIAL_NOT_HOLDABLE', NULL);
        END IF;
        SELECT COUNT(*)
          INTO l_count
          FROM loans l
          JOIN copies c ON c.copy_id = l.copy_id
         WHERE l.patron_id = l_patron_id
           AND l.status = 'ACTIVE'
           AND c.material_id = l_material_id;
        IF l_count > 0 THEN
            lib_err.raise_error('HOLD_ON_LOANED_MATERIAL', NULL);
        END IF;
        SELECT COUNT(*)
          INTO l_count
          FROM holds
         WHERE patron_id = l_patron_id
           AND material_id = l_material_id
           AND status IN (SELECT hs.code FROM hold_statuses hs WHERE hs.is_active = 'Y');
        IF l_count > 0 THEN
            lib_err.raise_error('HOLD_ALREADY_EXISTS', NULL);
        END IF;
        SELECT COUNT(*)
          INTO l_count
          FROM holds
         WHERE patron_id = l_patron_id
           AND status IN (SELECT hs.code FROM hold_statuses hs WHERE hs.is_active = 'Y');
        IF l_count >= l_hold_limit THEN
            lib_err.raise_error('HOLD_LIMIT_REACHED', 'limit ' || TO_CHAR(l_hold_limit));
        END IF;
        INSERT INTO holds (patron_id, material_id, pickup_branch_id, status, placed_at)
        VALUES (l_patron_id, l_material_id, l_pickup_id, 'PENDING', lib_clock.now_utc())
        RETURNING hold_id INTO l_hold_id;
        p_hold_id := l_hold_id;
        p_queue_position := queue_position(l_hold_id);
    END place;

    -- Close an open (locked) hold as CANCELLED or EXPIRED; a READY hold's copy is passed on.
    PROCEDURE close_hold(p_hold_id IN holds.hold_id%TYPE, p_new_status IN VARCHAR2, p_reason IN VARCHAR2) IS
        l_status    holds.status%TYPE;
        l_copy_id   holds.copy_id%TYPE;
        l_pickup_id holds.pickup_branch_id%TYPE;
    BEGIN
        SELECT status, copy_id, pickup_branch_id
          INTO l_status, l_copy_id, l_pickup_id
          FROM holds
         WHERE hold_id = p_hold_id;
        UPDATE holds
           SET status = p_new_status,
               closed_at = lib_clock.now_utc(),
               close_reason = SUBSTR(p_reason, 1, 400)
         WHERE hold_id = p_hold_id;
        IF l_status = 'READY' THEN
            lib_holds_core.pass_on(l_copy_id, l_pickup_id);
        END IF;
    END close_hold;

    -- Lock a copy row unless another session holds it: 1 = locked now, 0 = busy (or no such copy).
    FUNCTION try_lock_copy(p_copy_id IN copies.copy_id%TYPE) RETURN NUMBER IS
    BEGIN
        FOR r_copy IN (SELECT copy_id FROM copies WHERE copy_id = p_copy_id FOR UPDATE SKIP LOCKED) LOOP
            IF r_copy.copy_id = p_copy_id THEN
                RETURN 1;
            END IF;
        END LOOP;
        RETURN 0;
    END try_lock_copy;

    -- Lock a hold (of the patron when p_patron_id is given); HOLD_NOT_FOUND when missing.
    -- Returns the patron of the hold.
    -- Lock order as in checkout and check-in: the copy trapped for the hold first, then the hold.
    -- Closing a READY hold passes its copy on; holding the hold while waiting for the copy would
    -- deadlock with the holder's checkout of that copy (copy, then hold in lib_holds_core.on_checkout).
    FUNCTION lock_hold(p_hold_id IN holds.hold_id%TYPE, p_patron_id IN holds.patron_id%TYPE) RETURN NUMBER IS
        l_owner_id holds.patron_id%TYPE;
        l_copy_id  holds.copy_id%TYPE;
        l_locked   holds.copy_id%TYPE;
        l_pass     NUMBER;
    BEGIN
        l_pass := 0;
        FOR r_hold IN (SELECT copy_id FROM holds WHERE hold_id = p_hold_id) LOOP
            l_copy_id := r_hold.copy_id;
        END LOOP;
        LOOP
            IF l_copy_id IS NOT NULL THEN
                lib_holds_core.lock_copy(l_copy_id, CASE WHEN l_pass = 0 THEN 1 ELSE 0 END); -- later passes hold the hold
                l_locked := l_copy_id;
            END IF;
            l_pass := l_pass + 1;
            l_owner_id := NULL;
            l_copy_id := NULL;
            FOR r_hold IN (SELECT patron_id, copy_id FROM holds WHERE hold_id = p_hold_id FOR UPDATE) LOOP
                l_owner_id := r_hold.patron_id;
                l_copy_id := r_hold.copy_id;
            END LOOP;
            -- a copy trapped for the hold while this session waited is locked on the next pass,
            -- without waiting: this session holds the hold now
            EXIT WHEN l_copy_id IS NULL OR (l_locked IS NOT NULL AND l_copy_id = l_locked);
        END LOOP;
        IF l_owner_id IS NULL OR l_owner_id <> NVL(p_patron_id, l_owner_id) THEN
            lib_err.raise_error('HOLD_NOT_FOUND', 'hold ' || TO_CHAR(p_hold_id));
        END IF;
        RETURN l_owner_id;
    END lock_hold;

    PROCEDURE cancel(p_hold_id IN NUMBER, p_reason IN VARCHAR2) IS
        l_hold_id  holds.hold_id%TYPE := p_hold_id;
        l_owner_id holds.patron_id%TYPE;
        l_status   holds.status%TYPE;
    BEGIN
        l_owner_id := lock_hold(l_hold_id, NULL);
        require_owner_or_staff(l_owner_id);
        SELECT status INTO l_status FROM holds WHERE hold_id = l_hold_id;
        IF NOT is_open(l_status) THEN
            lib_err.raise_error('HOLD_NOT_ACTIVE', 'hold ' || TO_CHAR(p_hold_id));
        END IF;
        IF NVL(LENGTH(TRIM(p_reason)), 0) = 0 THEN
            close_hold(l_hold_id, 'CANCELLED', 'Cancelled');
        ELSE
            close_hold(l_hold_id, 'CANCELLED', TRIM(p_reason));
        END IF;
    END cancel;

    PROCEDURE cancel_own(p_patron_id IN NUMBER, p_hold_id IN NUMBER) IS
        l_hold_id   holds.hold_id%TYPE := p_hold_id;
        l_patron_id holds.patron_id%TYPE := p_patron_id;
        l_owner_id  holds.patron_id%TYPE;
        l_status    holds.status%TYPE;
    BEGIN
        IF l_patron_id IS NULL THEN
            lib_err.raise_error('HOLD_NOT_FOUND', 'hold ' || TO_CHAR(p_hold_id));
        END IF;
        l_owner_id := lock_hold(l_hold_id, l_patron_id);
        require_owner_or_staff(l_owner_id);
        SELECT status INTO l_status FROM holds WHERE hold_id = l_hold_id;
        IF NOT is_open(l_status) THEN
            lib_err.raise_error('HOLD_NOT_ACTIVE', 'hold ' || TO_CHAR(p_hold_id));
        END IF;
        close_hold(l_hold_id, 'CANCELLED', 'Cancelled by the patron');
    END cancel_own;

    PROCEDURE suspend(p_hold_id IN NUMBER, p_until IN DATE) IS
        l_hold_id  holds.hold_id%TYPE := p_hold_id;
        l_owner_id holds.patron_id%TYPE;
        l_status   holds.status%TYPE;
        l_copy_id  holds.copy_id%TYPE;
    BEGIN
        l_owner_id := lock_hold(l_hold_id, NULL);
        require_owner_or_staff(l_owner_id);
        SELECT status, copy_id INTO l_status, l_copy_id FROM holds WHERE hold_id = l_hold_id;
        IF NOT is_open(l_status) THEN
            lib_err.raise_error('HOLD_NOT_ACTIVE', 'hold ' || TO_CHAR(p_hold_id));
        END IF;
        IF l_status = 'READY' OR l_copy_id IS NOT NULL THEN
            lib_err.raise_error('HOLD_ALREADY_TRAPPED', 'hold ' || TO_CHAR(p_hold_id));
        END IF;
        IF p_until IS NULL OR p_until <= lib_clock.now_utc() THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'the suspension must end in the future');
        END IF;
        UPDATE holds
           SET status = 'SUSPENDED',
               suspended_until = p_until
         WHERE hold_id = l_hold_id;
    END suspend;

    PROCEDURE resume(p_hold_id IN NUMBER) IS
        l_hold_id  holds.hold_id%TYPE := p_hold_id;
        l_owner_id holds.patron_id%TYPE;
        l_status   holds.status%TYPE;
    BEGIN
        l_owner_id := lock_hold(l_hold_id, NULL);
        require_owner_or_staff(l_owner_id);
        SELECT status INTO l_status FROM holds WHERE hold_id = l_hold_id;
        IF l_status <> 'SUSPENDED' THEN
            lib_err.raise_error('HOLD_NOT_SUSPENDED', 'hold ' || TO_CHAR(p_hold_id));
        END IF;
        UPDATE holds
           SET status = 'PENDING',
               suspended_until = NULL
         WHERE hold_id = l_hold_id;
    END resume;

    PROCEDURE expire_unclaimed(p_as_of IN DATE, p_rows OUT NUMBER) IS
        l_as_of holds.expires_at%TYPE;
    BEGIN
        lib_auth.require_permission('HOLD_MANAGE');
        l_as_of := NVL(p_as_of, lib_clock.now_utc());
        p_rows := 0;
        FOR r_hold IN (SELECT hold_id, copy_id, pickup_branch_id, patron_id
                         FROM holds
                        WHERE status = 'READY'
                          AND expires_at < l_as_of
                        ORDER BY expires_at, hold_id) LOOP
            -- the copy first, then the hold, as a checkout of the copy locks them. A copy some desk
            -- holds right now (the patron collecting it, say) is skipped, not waited for: waiting while
            -- this run holds the holds it expired before could deadlock, and the next run sees it again.
            -- The hold is expired only as it is now: still READY with that copy and past its deadline.
            IF try_lock_copy(r_hold.copy_id) = 1 THEN
                IF lib_holds_core.expire_ready(r_hold.hold_id, r_hold.copy_id, l_as_of) = 1 THEN
                    p_rows := p_rows + 1;
                    lib_holds_core.pass_on(r_hold.copy_id, r_hold.pickup_branch_id);
                END IF;
            END IF;
        END LOOP;
    END expire_unclaimed;

    FUNCTION copy_reserved_for(p_copy_id IN NUMBER) RETURN NUMBER IS
        l_copy_id   holds.copy_id%TYPE := p_copy_id;
        l_patron_id holds.patron_id%TYPE;
    BEGIN
        SELECT MAX(patron_id)
          INTO l_patron_id
          FROM holds
         WHERE copy_id = l_copy_id
           AND (status = 'READY' OR status = 'PENDING');
        RETURN l_patron_id;
    END copy_reserved_for;

    PROCEDURE trap_copy(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_hold_id OUT NUMBER) IS
        l_copy_id   copies.copy_id%TYPE := p_copy_id;
        l_at_id     branches.branch_id%TYPE := p_branch_id;
        l_status    copies.status%TYPE;
        l_branch_id copies.branch_id%TYPE;
        l_count     NUMBER;
    BEGIN
        lib_auth.require_permission('HOLD_MANAGE');
        FOR r_copy IN (SELECT status, branch_id FROM copies WHERE copy_id = l_copy_id FOR UPDATE) LOOP
            l_status := r_copy.status;
            l_branch_id := r_copy.branch_id;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('COPY_NOT_FOUND', 'copy ' || TO_CHAR(p_copy_id));
        END IF;
        SELECT COUNT(*) INTO l_count FROM copy_statuses cs WHERE cs.code = l_status AND cs.is_available = 'Y';
        IF l_count = 0 THEN
            lib_err.raise_error('COPY_NOT_AVAILABLE', 'copy ' || TO_CHAR(p_copy_id) || ' is ' || l_status);
        END IF;
        p_hold_id := lib_holds_core.trap_next(l_copy_id, NVL(l_at_id, l_branch_id));
    END trap_copy;

    FUNCTION blocks_renewal(p_loan_id IN NUMBER) RETURN NUMBER IS
        l_loan_id     loans.loan_id%TYPE := p_loan_id;
        l_material_id copies.material_id%TYPE;
        l_patron_id   loans.patron_id%TYPE;
        l_today       patrons.expires_on%TYPE;
        l_now         holds.suspended_until%TYPE;
        l_waiting     NUMBER;
        l_available   NUMBER;
    BEGIN
        FOR r_loan IN (SELECT c.material_id, l.patron_id
                         FROM loans l
                         JOIN copies c ON c.copy_id = l.copy_id
                        WHERE l.loan_id = l_loan_id) LOOP
            l_material_id := r_loan.material_id;
            l_patron_id := r_loan.patron_id;
        END LOOP;
        IF l_material_id IS NULL THEN
            RETURN 0;
        END IF;
        l_now := lib_clock.now_utc();
        l_today := lib_clock.local_day(l_now);
        SELECT COUNT(*)
          INTO l_waiting
          FROM holds h
          JOIN patrons p ON p.patron_id = h.patron_id
         WHERE h.material_id = l_material_id
           AND h.patron_id <> l_patron_id
           AND h.copy_id IS NULL
           AND (h.status = 'PENDING' OR (h.status = 'SUSPENDED' AND h.suspended_until <= l_now))
           AND p.status = 'ACTIVE'
           AND p.expires_on >= l_today;
        IF l_waiting = 0 THEN
            RETURN 0;
        END IF;
        SELECT COUNT(*)
          INTO l_available
          FROM copies
         WHERE material_id = l_material_id
           AND status IN (SELECT cs.code FROM copy_statuses cs WHERE cs.is_available = 'Y');
        IF l_waiting > l_available THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END blocks_renewal;

END lib_holds;
/
