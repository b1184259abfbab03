CREATE OR REPLACE PACKAGE BODY lib_circulation AS

    ----------------------------------------------------------------------------------------------
    -- private helpers
    -- Key parameters are copied into variables anchored to their column (l_copy_id copies.copy_id%TYPE)
    -- before they reach SQL: a comparison of the column with its own type keeps the index usable on
    -- every engine (a plain NUMBER parameter is a different numeric type from a NUMBER(18) key there).
    ----------------------------------------------------------------------------------------------

    -- a comma-separated list of error names with more names (NULL = empty list, on both engines:
    -- 'a,' || NULL is 'a,' on Oracle and NULL on PostgreSQL)
    FUNCTION with_reason(p_list IN VARCHAR2, p_name IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF p_name IS NULL THEN
            RETURN p_list;
        ELSIF p_list IS NULL THEN
            RETURN p_name;
        END IF;
        RETURN p_list || ',' || p_name;
    END with_reason;

    -- first name of a comma-separated list
    FUNCTION first_reason(p_list IN VARCHAR2) RETURN VARCHAR2 IS
        l_comma PLS_INTEGER;
    BEGIN
        l_comma := INSTR(p_list, ',');
        IF l_comma > 0 THEN
            RETURN SUBSTR(p_list, 1, l_comma - 1);
        END IF;
        RETURN p_list;
    END first_reason;

    -- The refusal of a checkout of a copy in this status when no hold holds it (copy_statuses), NULL = lendable.
    FUNCTION copy_refusal(p_copy_status IN VARCHAR2) RETURN VARCHAR2 IS
        l_refusal copy_statuses.checkout_refusal%TYPE;
    BEGIN
        SELECT MAX(cs.checkout_refusal) INTO l_refusal FROM copy_statuses cs WHERE cs.code = p_copy_status;
        RETURN l_refusal;
    END copy_refusal;

    -- who the copy is trapped for, asked only when its status says it may be kept for a hold (is_hold_trap)
    FUNCTION reserved_for(p_copy_id IN NUMBER, p_copy_status IN VARCHAR2) RETURN NUMBER IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM copy_statuses cs WHERE cs.code = p_copy_status AND cs.is_hold_trap = 'Y';
        IF l_count > 0 THEN
            RETURN lib_holds.copy_reserved_for(p_copy_id);
        END IF;
        RETURN NULL;
    END reserved_for;

    -- the policy of a checkout, NULL when the patron or the copy is missing or no row matches
    FUNCTION loan_policy(p_patron_status IN VARCHAR2, p_category IN VARCHAR2, p_copy_status IN VARCHAR2,
                         p_copy_branch_id IN NUMBER, p_material_id IN NUMBER) RETURN NUMBER IS
        l_material_id materials.material_id%TYPE := p_material_id;
        l_type        materials.material_type%TYPE;
    BEGIN
        IF p_patron_status IS NULL OR p_copy_status IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT m.material_type INTO l_type FROM materials m WHERE m.material_id = l_material_id;
        RETURN lib_policy.find_policy(p_copy_branch_id, p_category, l_type);
    END loan_policy;

    -- Every failing checkout rule (a NULL status = the row was not found): the patron's standing
    -- (lib_patrons.standing), the copy's state, the policy, the loan limit, another patron's hold.
    FUNCTION refusals(p_patron_id IN NUMBER, p_patron_status IN VARCHAR2, p_copy_status IN VARCHAR2,
                      p_copy_refusal IN VARCHAR2, p_reserved_for IN NUMBER, p_policy_id IN NUMBER) RETURN VARCHAR2 IS
        l_patron_id  patrons.patron_id%TYPE := p_patron_id;
        l_policy_id  circ_policies.policy_id%TYPE := p_policy_id;
        l_list       VARCHAR2(400);
        l_loan_limit circ_policies.loan_limit%TYPE;
        l_threshold  circ_policies.fine_block_threshold%TYPE;
        l_active     NUMBER;
    BEGIN
        l_list := NULL;
        IF p_patron_status IS NULL THEN
            l_list := with_reason(l_list, 'PATRON_NOT_FOUND');
        END IF;
        IF p_copy_status IS NULL THEN
            l_list := with_reason(l_list, 'COPY_NOT_FOUND');
        END IF;
        IF p_policy_id IS NOT NULL THEN
            SELECT cp.loan_limit, cp.fine_block_threshold
              INTO l_loan_limit, l_threshold
              FROM circ_policies cp
             WHERE cp.policy_id = l_policy_id;
        END IF;
        IF p_patron_status IS NOT NULL THEN
            l_list := with_reason(l_list, lib_patrons.standing(p_patron_id, l_threshold));
        END IF;
        -- a copy kept for a hold is refused only when no hold holds it (e.g. one just expired on the shelf)
        IF p_copy_refusal IS NOT NULL AND p_reserved_for IS NULL THEN
            l_list := with_reason(l_list, p_copy_refusal);
        END IF;
        IF p_patron_status IS NOT NULL AND p_copy_status IS NOT NULL AND p_policy_id IS NULL THEN
            l_list := with_reason(l_list, 'NO_CIRC_POLICY');
        END IF;
        IF p_policy_id IS NOT NULL THEN
            SELECT COUNT(*)
              INTO l_active
              FROM loans l
             WHERE l.patron_id = l_patron_id
               AND l.status = 'ACTIVE';
            IF l_active >= l_loan_limit THEN
                l_list := with_reason(l_list, 'LOAN_LIMIT_REACHED');
            END IF;
        END IF;
        l_list := with_reason(l_list, lib_policy.checkout_refusals(p_patron_id, p_policy_id)); -- the peers' rules
        IF p_reserved_for IS NOT NULL AND p_patron_id IS NOT NULL AND p_reserved_for <> p_patron_id THEN
            l_list := with_reason(l_list, 'COPY_ON_HOLD_FOR_OTHER');
        END IF;
        RETURN l_list;
    END refusals;

    -- The refusals of a list that CIRC_OVERRIDE may pass (p_overridable 'Y') or that none passes ('N'), as
    -- app_errors.overridable says, in the order of the list.
    FUNCTION refusals_of_kind(p_list IN VARCHAR2, p_overridable IN VARCHAR2) RETURN VARCHAR2 IS
        l_list   VARCHAR2(402);
        l_result VARCHAR2(400);
    BEGIN
        IF p_list IS NULL THEN
            RETURN NULL;
        END IF;
        l_list := ',' || p_list || ',';
        FOR r_error IN (SELECT e.name
                          FROM app_errors e
                         WHERE INSTR(l_list, ',' || e.name || ',') > 0
                           AND e.overridable = p_overridable
                         ORDER BY INSTR(l_list, ',' || e.name || ',')) LOOP
            l_result := with_reason(l_result, r_error.name);
        END LOOP;
        RETURN l_result;
    END refusals_of_kind;

    -- Refuse with every failing rule of p_list: the first one's error, the whole list at the end of the
    -- message as [reasons=NAME/Y,NAME/N] (Y = an override may pass it: app_errors.overridable when
    -- p_can_override = 'Y'), which both faces read (datalayer.errors.reasons_of).
    PROCEDURE refuse(p_list IN VARCHAR2, p_detail IN VARCHAR2, p_can_override IN VARCHAR2) IS
        l_list   VARCHAR2(402);
        l_marked VARCHAR2(1000);
    BEGIN
        l_list := ',' || p_list || ',';
        FOR r_error IN (SELECT e.name, e.overridable
                          FROM app_errors e
                         WHERE INSTR(l_list, ',' || e.name || ',') > 0
                         ORDER BY INSTR(l_list, ',' || e.name || ',')) LOOP
            IF p_can_override = 'Y' THEN
                l_marked := with_reason(l_marked, r_error.name || '/' || r_error.overridable);
            ELSE
                l_marked := with_reason(l_marked, r_error.name || '/N');
            END IF;
        END LOOP;
        lib_err.raise_error(first_reason(p_list), p_detail || ' [reasons=' || l_marked || ']');
    END refuse;

    -- The names of p_list (comma-separated) that p_named does not name, in the order of p_list.
    FUNCTION not_named(p_list IN VARCHAR2, p_named IN VARCHAR2) RETURN VARCHAR2 IS
        l_list   VARCHAR2(402);
        l_named  VARCHAR2(1002);
        l_result VARCHAR2(400);
    BEGIN
        IF p_named IS NULL THEN
            RETURN p_list; -- ',' || NULL is NULL on PostgreSQL
        END IF;
        l_list := ',' || p_list || ',';
        l_named := ',' || UPPER(REPLACE(p_named, ' ', '')) || ',';
        FOR r_error IN (SELECT e.name
                          FROM app_errors e
                         WHERE INSTR(l_list, ',' || e.name || ',') > 0
                         ORDER BY INSTR(l_list, ',' || e.name || ',')) LOOP
            IF INSTR(l_named, ',' || r_error.name || ',') = 0 THEN
                l_result := with_reason(l_result, r_error.name);
            END IF;
        END LOOP;
        RETURN l_result;
    END not_named;

    -- An open transit of the copy ends at p_branch_id (NULL = its destination): checked in there, or lent.
    PROCEDURE end_transit(p_copy_id IN NUMBER, p_branch_id IN NUMBER) IS
        l_copy_id copies.copy_id%TYPE := p_copy_id;
    BEGIN
        UPDATE transits
           SET received_at = lib_clock.now_utc(),
               received_branch_id = COALESCE(p_branch_id, to_branch_id),
               received_by = lib_session.actor()
         WHERE copy_id = l_copy_id
           AND received_at IS NULL
           AND cancelled_at IS NULL;
    END end_transit;

    -- Where a copy checked in at p_branch_id goes (its row locked by the caller): an open transit ends
    -- here; the hold queue may trap it (lib_holds_core.on_checkin: READY here, or IN_TRANSIT to the
    -- pickup branch); else it is AVAILABLE at its home branch, or IN_TRANSIT back home (no floating).
    -- p_transit_to: the destination of the transit started here, NULL = none.
    PROCEDURE route_copy(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_hold_id OUT NUMBER, p_transit_to OUT NUMBER) IS
        l_copy_id     copies.copy_id%TYPE := p_copy_id;
        l_hold_id     holds.hold_id%TYPE;
        l_hold_status holds.status%TYPE;
        l_pickup_id   holds.pickup_branch_id%TYPE;
        l_home_branch copies.branch_id%TYPE;
    BEGIN
        p_transit_to := NULL;
        end_transit(p_copy_id, p_branch_id);
        lib_holds_core.on_checkin(p_copy_id, p_branch_id, p_hold_id);
        IF p_hold_id IS NOT NULL THEN
            l_hold_id := p_hold_id;
            SELECT h.status, h.pickup_branch_id INTO l_hold_status, l_pickup_id FROM holds h WHERE h.hold_id = l_hold_id;
            IF l_hold_status = 'PENDING' AND l_pickup_id <> p_branch_id THEN
                p_transit_to := l_pickup_id;
                INSERT INTO transits (copy_id, from_branch_id, to_branch_id, reason, hold_id, sent_at, sent_by)
                VALUES (p_copy_id, p_branch_id, l_pickup_id, 'HOLD', p_hold_id, lib_clock.now_utc(), lib_session.actor());
            END IF;
            RETURN;
        END IF;
        SELECT c.branch_id INTO l_home_branch FROM copies c WHERE c.copy_id = l_copy_id;
        IF l_home_branch = p_branch_id THEN
            UPDATE copies SET status = 'AVAILABLE', status_changed_at = lib_clock.now_utc() WHERE copy_id = l_copy_id;
        ELSE
            UPDATE copies SET status = 'IN_TRANSIT', status_changed_at = lib_clock.now_utc() WHERE copy_id = l_copy_id;
            p_transit_to := l_home_branch;
            INSERT INTO transits (copy_id, from_branch_id, to_branch_id, reason, hold_id, sent_at, sent_by)
            VALUES (p_copy_id, p_branch_id, l_home_branch, 'HOME', NULL, lib_clock.now_utc(), lib_session.actor());
        END IF;
    END route_copy;

    PROCEDURE check_branch(p_branch_id IN NUMBER) IS
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        l_found     NUMBER;
    BEGIN
        IF p_branch_id IS NOT NULL THEN
            SELECT COUNT(*) INTO l_found FROM branches b WHERE b.branch_id = l_branch_id;
            IF l_found = 0 THEN
                lib_err.raise_error('BRANCH_NOT_FOUND', 'branch ' || p_branch_id);
            END IF;
        END IF;
    END check_branch;

    -- The patron of a desk request: the id, or the one holding the card (not both; neither = not found).
    FUNCTION patron_of(p_patron_id IN NUMBER, p_card_number IN VARCHAR2) RETURN NUMBER IS
        l_patron_id patrons.patron_id%TYPE;
    BEGIN
        IF p_card_number IS NULL THEN
            IF p_patron_id IS NULL THEN
                lib_err.raise_error('PATRON_NOT_FOUND', 'no patron given');
            END IF;
            RETURN p_patron_id;
        ELSIF p_patron_id IS NOT NULL THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'give a patron id or a card number, not both');
        END IF;
        SELECT MAX(p.patron_id) INTO l_patron_id FROM patrons p WHERE p.card_number = p_card_number;
        IF l_patron_id IS NULL THEN
            lib_err.raise_error('PATRON_NOT_FOUND', 'card ' || p_card_number);
        END IF;
        RETURN l_patron_id;
    END patron_of;

    -- The copy of a desk request: the id, or the one with the barcode (not both; neither = not found).
    FUNCTION copy_of(p_copy_id IN NUMBER, p_copy_barcode IN VARCHAR2) RETURN NUMBER IS
        l_copy_id copies.copy_id%TYPE;
    BEGIN
        IF p_copy_barcode IS NULL THEN
            IF p_copy_id IS NULL THEN
                lib_err.raise_error('COPY_NOT_FOUND', 'no copy given');
            END IF;
            RETURN p_copy_id;
        ELSIF p_copy_id IS NOT NULL THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'give a copy id or a barcode, not both');
        END IF;
        SELECT MAX(c.copy_id) INTO l_copy_id FROM copies c WHERE c.barcode = p_copy_barcode;
        IF l_copy_id IS NULL THEN
            lib_err.raise_error('COPY_NOT_FOUND', 'barcode ' || p_copy_barcode);
        END IF;
        RETURN l_copy_id;
    END copy_of;

    -- Close a loan whose copy row the caller has locked, charge, and offer the copy to the holds.
    PROCEDURE close_loan(p_loan_id IN NUMBER, p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_returned_at IN DATE,
                         p_condition IN VARCHAR2, p_returned_out OUT DATE, p_fine_id OUT NUMBER,
                         p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER, p_transit_to OUT NUMBER,
                         p_condition_note IN VARCHAR2) IS
        l_loan_id     loans.loan_id%TYPE := p_loan_id;
        l_lost_at     loans.lost_at%TYPE;
        l_as_of       DATE;
        l_status      loans.status%TYPE;
        l_checkout_at loans.checkout_at%TYPE;
        l_open        loan_statuses.is_open%TYPE;
        l_patron_id   loans.patron_id%TYPE;
        l_now         DATE;
        l_returned_at DATE;
        l_refund      NUMBER;
        l_to_repair   NUMBER; -- an OUT argument: the parameter's own type
    BEGIN
        BEGIN
            SELECT l.status, l.checkout_at, l.patron_id, l.lost_at
              INTO l_status, l_checkout_at, l_patron_id, l_lost_at
              FROM loans l
             WHERE l.loan_id = l_loan_id
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id);
        END;
        SELECT ls.is_open INTO l_open FROM loan_statuses ls WHERE ls.code = l_status;
        IF l_open <> 'Y' THEN
            lib_err.raise_error('LOAN_NOT_ACTIVE', 'loan ' || p_loan_id || ' is ' || l_status);
        END IF;
        l_now := lib_clock.now_utc();
        l_returned_at := NVL(p_returned_at, l_now);
        IF l_returned_at > l_now OR l_returned_at < l_checkout_at THEN
            lib_err.raise_error('INVALID_RETURN_DATE', 'loan ' || p_loan_id);
        END IF;
        p_returned_out := l_returned_at;

        UPDATE loans
           SET status = 'RETURNED',
               returned_at = l_returned_at,
               return_branch_id = p_branch_id,
               return_by = lib_session.actor(),
               return_condition = p_condition_note
         WHERE loan_id = l_loan_id;
        -- the overdue fine of a lost copy stops at the day it was declared lost (Koha bug 22877)
        l_as_of := l_returned_at;
        IF l_status = 'LOST' THEN
            lib_fines_core.settle_lost_return(p_loan_id, l_refund);
            l_as_of := LEAST(l_returned_at, NVL(l_lost_at, l_returned_at));
        ELSE
            lib_policy.suspend_for_late_return(p_loan_id, l_returned_at);
        END IF;
        lib_fines_core.charge_overdue(p_loan_id, l_as_of, p_fine_id, p_fine_amount);
        -- the condition graded at the desk: a copy sent to repair is neither routed nor trapped for a hold
        lib_inspections.record_checkin(p_copy_id, p_loan_id, p_condition, p_condition_note, l_to_repair);
        IF l_to_repair = 0 THEN
            route_copy(p_copy_id, p_branch_id, p_hold_id, p_transit_to);
        END IF;
        lib_notices_core.queue('RETURN_RECEIPT', l_patron_id, p_loan_id, p_loan_id, NULL);
        IF p_fine_id IS NOT NULL AND p_fine_amount > 0 THEN
            lib_notices_core.queue('FINE_CHARGED', l_patron_id, p_fine_id, p_loan_id, NULL);
        END IF;
    END close_loan;

    -- An override's arguments: p_override Y, N or NULL; 'Y' needs a note (not blank).
    PROCEDURE check_override(p_override IN VARCHAR2, p_override_note IN VARCHAR2) IS
    BEGIN
        IF p_override IS NOT NULL AND p_override <> 'Y' AND p_override <> 'N' THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'override must be Y or N');
        END IF;
        IF p_override = 'Y' AND COALESCE(LENGTH(TRIM(p_override_note)), 0) = 0 THEN
            lib_err.raise_error('OVERRIDE_NOTE_REQUIRED', NULL);
        END IF;
    END check_override;

    -- Renew a loan, optionally only when it is p_patron_id's (NULL = any patron). Every failing rule is
    -- found before anything changes; p_raise = 'Y' refuses with them all (refuse; p_can_override as there),
    -- 'N' answers them in p_refusal (comma-separated names, NULL = renewed) without raising: renew_all goes on
    -- with the next loan. An override passes the overridable reasons, as lend's does: CIRC_OVERRIDE, a note,
    -- every reason named in p_override_codes, none that is not overridable; p_overridden names them.
    PROCEDURE do_renew(p_loan_id IN NUMBER, p_patron_id IN NUMBER, p_raise IN VARCHAR2, p_can_override IN VARCHAR2,
                       p_override IN VARCHAR2, p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2,
                       p_due_at OUT DATE, p_renewals OUT NUMBER, p_refusal OUT VARCHAR2, p_overridden OUT VARCHAR2) IS
        l_loan_id        loans.loan_id%TYPE := p_loan_id;
        l_patron_id      loans.patron_id%TYPE;
        l_branch_id      loans.branch_id%TYPE;
        l_policy_id      loans.policy_id%TYPE;
        l_status         loans.status%TYPE;
        l_due_at         loans.due_at%TYPE;
        l_renewals       loans.renewals%TYPE;
        l_max_renewals   circ_policies.max_renewals%TYPE;
        l_renew_from_due circ_policies.renew_from_due%TYPE;
        l_loan_days      circ_policies.loan_days%TYPE;
        l_threshold      circ_policies.fine_block_threshold%TYPE;
        l_now            DATE;
        l_base           DATE;
        l_new_due        DATE;
        l_fine_id        NUMBER;
        l_fine_amount    NUMBER;
        l_list           VARCHAR2(400);
        l_soft           VARCHAR2(400);
        l_actor          users.user_id%TYPE;
        l_peer_rule      app_errors.name%TYPE;
    BEGIN
        p_refusal := NULL;
        p_overridden := NULL;
        check_override(p_override, p_override_note);
        BEGIN
            SELECT l.patron_id, l.branch_id, l.policy_id, l.status, l.due_at, l.renewals
              INTO l_patron_id, l_branch_id, l_policy_id, l_status, l_due_at, l_renewals
              FROM loans l
             WHERE l.loan_id = l_loan_id
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id);
        END;
        IF p_patron_id IS NOT NULL AND l_patron_id <> p_patron_id THEN
            lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id || ' of patron ' || p_patron_id);
        END IF;
        IF l_status = 'LOST' THEN
            lib_err.raise_error('LOAN_ALREADY_LOST', 'loan ' || p_loan_id);
        ELSIF l_status <> 'ACTIVE' THEN
            lib_err.raise_error('LOAN_NOT_ACTIVE', 'loan ' || p_loan_id || ' is ' || l_status);
        END IF;

        l_now := lib_clock.now_utc();
        SELECT cp.max_renewals, cp.renew_from_due, cp.loan_days, cp.fine_block_threshold
          INTO l_max_renewals, l_renew_from_due, l_loan_days, l_threshold
          FROM circ_policies cp
         WHERE cp.policy_id = l_policy_id;
        l_list := lib_patrons.standing(l_patron_id, l_threshold);
        IF l_renewals >= l_max_renewals THEN
            l_list := with_reason(l_list, 'RENEWAL_LIMIT_REACHED');
        END IF;
        IF lib_holds.blocks_renewal(p_loan_id) = 1 THEN
            l_list := with_reason(l_list, 'RENEWAL_BLOCKED_BY_HOLD');
        END IF;
        l_peer_rule := lib_policy.renewal_refusal(p_loan_id); -- the peers' rules: overdue loans, too early
        IF l_peer_rule IS NOT NULL THEN
            l_list := with_reason(l_list, l_peer_rule);
        END IF;
        IF l_renew_from_due = 'Y' THEN
            l_base := GREATEST(l_due_at, l_now);
        ELSE
            l_base := l_now;
        END IF;
        l_new_due := GREATEST(lib_policy.loan_due_at(l_patron_id, l_branch_id, l_base, l_loan_days), l_due_at);
        -- a renewal that would not move the due date (e.g. on the day of checkout) spends nothing
        IF l_new_due <= l_due_at THEN
            l_list := with_reason(l_list, 'RENEWAL_TOO_SOON');
        END IF;
        IF l_list IS NOT NULL AND (NVL(p_override, 'N') <> 'Y' OR refusals_of_kind(l_list, 'N') IS NOT NULL) THEN
            IF p_raise = 'Y' THEN
                refuse(l_list, 'loan ' || p_loan_id, p_can_override);
            END IF;
            p_refusal := l_list;
            RETURN;
        ELSIF l_list IS NOT NULL THEN
            -- every reason may be overridden: by CIRC_OVERRIDE, passing only the reasons the desk showed
            l_soft := refusals_of_kind(l_list, 'Y');
            l_actor := lib_session.actor();
            IF l_actor IS NULL THEN
                lib_auth.require_permission('CIRC_OVERRIDE'); -- system work only
            ELSIF lib_auth.has_permission(l_actor, 'CIRC_OVERRIDE') = 0 THEN
                lib_err.raise_error('OVERRIDE_NOT_PERMITTED', l_soft);
            END IF;
            IF not_named(l_soft, p_override_codes) IS NOT NULL THEN
                IF p_raise = 'Y' THEN
                    refuse(l_list, 'loan ' || p_loan_id, p_can_override);
                END IF;
                p_refusal := l_list; -- renew_all: this loan is not renewed, the next is tried
                RETURN;
            END IF;
            p_overridden := l_soft;
        END IF;

        IF l_due_at < l_now THEN
            -- overdue: the charge up to now is made now and stays
            lib_fines_core.charge_overdue(p_loan_id, l_now, l_fine_id, l_fine_amount);
        END IF;

        -- last_renewed_at read after the charge: a fine created above counts as before the renewal
        UPDATE loans
           SET due_at = l_new_due,
               renewals = renewals + 1,
               last_renewed_at = lib_clock.now_utc()
         WHERE loan_id = l_loan_id;
        p_due_at := l_new_due;
        p_renewals := l_renewals + 1;
        IF p_overridden IS NOT NULL THEN
            lib_audit.log_event('loans', p_loan_id, 'OVERRIDE',
                                'renewal; codes=' || p_overridden || '; note=' || TRIM(p_override_note));
        END IF;
    END do_renew;

    ----------------------------------------------------------------------------------------------
    -- checkout
    ----------------------------------------------------------------------------------------------

    FUNCTION checkout_permit(p_patron_id IN NUMBER, p_copy_id IN NUMBER) RETURN VARCHAR2 IS
        l_patron_id     patrons.patron_id%TYPE := p_patron_id;
        l_copy_id       copies.copy_id%TYPE := p_copy_id;
        l_patron_status patrons.status%TYPE;
        l_category      patrons.category%TYPE;
        l_copy_status   copies.status%TYPE;
        l_copy_branch   copies.branch_id%TYPE;
        l_material_id   copies.material_id%TYPE;
        l_all           VARCHAR2(400);
        l_hard          VARCHAR2(400);
        l_soft          VARCHAR2(400);
        l_policy_id     circ_policies.policy_id%TYPE;
        l_reserved_for  patrons.patron_id%TYPE;
    BEGIN
        BEGIN
            SELECT c.status, c.branch_id, c.material_id
              INTO l_copy_status, l_copy_branch, l_material_id
              FROM copies c
             WHERE c.copy_id = l_copy_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                l_copy_status := NULL;
        END;
        BEGIN
            SELECT p.status, p.category
              INTO l_patron_status, l_category
              FROM patrons p
             WHERE p.patron_id = l_patron_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                l_patron_status := NULL;
        END;
        l_reserved_for := reserved_for(p_copy_id, l_copy_status);
        l_policy_id := loan_policy(l_patron_status, l_category, l_copy_status, l_copy_branch, l_material_id);
        l_all := refusals(p_patron_id, l_patron_status, l_copy_status, copy_refusal(l_copy_status), l_reserved_for,
                          l_policy_id);
        l_hard := refusals_of_kind(l_all, 'N');
        l_soft := refusals_of_kind(l_all, 'Y');
        IF l_hard IS NULL THEN
            RETURN l_soft;
        ELSIF l_soft IS NULL THEN
            RETURN l_hard;
        END IF;
        RETURN l_hard || ',' || l_soft;
    END checkout_permit;

    -- The checkout itself, after the entry point checked CIRC_CHECKOUT. p_overridden: the overridable
    -- reasons passed (comma-separated names), NULL when none was. An override passes only the reasons
    -- p_override_codes names, and needs a note.
    PROCEDURE lend(p_patron_id IN NUMBER, p_copy_id IN NUMBER, p_due_date IN DATE, p_override IN VARCHAR2,
                   p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2,
                   p_loan_id OUT NUMBER, p_due_at OUT DATE, p_overridden OUT VARCHAR2) IS
        l_patron_id     patrons.patron_id%TYPE := p_patron_id;
        l_copy_id       copies.copy_id%TYPE := p_copy_id;
        l_now           DATE;
        l_today         DATE;
        l_actor         users.user_id%TYPE;
        l_patron_status patrons.status%TYPE;
        l_category      patrons.category%TYPE;
        l_copy_status   copies.status%TYPE;
        l_copy_branch   copies.branch_id%TYPE;
        l_material_id   copies.material_id%TYPE;
        l_all           VARCHAR2(400);
        l_hard          VARCHAR2(400);
        l_soft          VARCHAR2(400);
        l_policy_id     circ_policies.policy_id%TYPE;
        l_reserved_for  patrons.patron_id%TYPE;
        l_loan_days     circ_policies.loan_days%TYPE;
        l_overridden    loans.overridden%TYPE;
        l_detail        VARCHAR2(100);
    BEGIN
        p_overridden := NULL;
        check_override(p_override, p_override_note);
        l_now := lib_clock.now_utc();
        -- a due date at midnight is a library day (due at its end): after today, at most 366 days on;
        -- any other due date is an instant in UTC, in the next 366 days
        IF p_due_date IS NOT NULL AND p_due_date = TRUNC(p_due_date) THEN
            l_today := lib_clock.today();
            IF p_due_date <= l_today OR p_due_date > l_today + 366 THEN
                lib_err.raise_error('INVALID_DUE_DATE', TO_CHAR(p_due_date, 'YYYY-MM-DD HH24:MI:SS'));
            END IF;
        ELSIF p_due_date IS NOT NULL AND (p_due_date <= l_now OR p_due_date > l_now + 366) THEN
            lib_err.raise_error('INVALID_DUE_DATE', TO_CHAR(p_due_date, 'YYYY-MM-DD HH24:MI:SS'));
        END IF;
        l_detail := 'patron ' || p_patron_id || ', copy ' || p_copy_id;

        -- the copy first: a second desk lending the same copy waits here and then sees ON_LOAN
        BEGIN
            SELECT c.status, c.branch_id, c.material_id
              INTO l_copy_status, l_copy_branch, l_material_id
              FROM copies c
             WHERE c.copy_id = l_copy_id
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                l_copy_status := NULL;
        END;
        -- then the patron: concurrent checkouts of one patron count their loans one after the other
        BEGIN
            SELECT p.status, p.category
              INTO l_patron_status, l_category
              FROM patrons p
             WHERE p.patron_id = l_patron_id
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                l_patron_status := NULL;
        END;

        l_reserved_for := reserved_for(p_copy_id, l_copy_status);
        l_policy_id := loan_policy(l_patron_status, l_category, l_copy_status, l_copy_branch, l_material_id);
        l_all := refusals(p_patron_id, l_patron_status, l_copy_status, copy_refusal(l_copy_status), l_reserved_for,
                          l_policy_id);
        l_hard := refusals_of_kind(l_all, 'N');
        l_soft := refusals_of_kind(l_all, 'Y');
        IF l_hard IS NOT NULL THEN
            refuse(with_reason(l_hard, l_soft), l_detail, 'Y');
        END IF;
        l_overridden := 'N';
        IF l_soft IS NOT NULL THEN
            IF NVL(p_override, 'N') <> 'Y' THEN
                refuse(l_soft, l_detail, 'Y');
            END IF;
            l_actor := lib_session.actor();
            IF l_actor IS NULL THEN
                lib_auth.require_permission('CIRC_OVERRIDE'); -- system work only
            ELSIF lib_auth.has_permission(l_actor, 'CIRC_OVERRIDE') = 0 THEN
                lib_err.raise_error('OVERRIDE_NOT_PERMITTED', l_soft);
            END IF;
            -- an override passes the reasons it names, never one the desk did not show (a held copy)
            IF not_named(l_soft, p_override_codes) IS NOT NULL THEN
                refuse(l_soft, l_detail, 'Y');
            END IF;
            l_overridden := 'Y';
            p_overridden := l_soft;
        END IF;

        IF p_due_date IS NULL THEN
            SELECT cp.loan_days INTO l_loan_days FROM circ_policies cp WHERE cp.policy_id = l_policy_id;
            p_due_at := lib_policy.loan_due_at(p_patron_id, l_copy_branch, l_now, l_loan_days);
        ELSIF p_due_date = TRUNC(p_due_date) THEN
            p_due_at := lib_calendar.end_of_day(p_due_date);
        ELSE
            p_due_at := p_due_date;
        END IF;

        IF l_reserved_for IS NOT NULL AND l_reserved_for <> p_patron_id THEN
            -- overridden: the other patron's hold goes back to the queue
            lib_holds_core.release_copy(p_copy_id);
        END IF;
        end_transit(p_copy_id, NULL); -- lent to the patron of the hold it travelled for
        INSERT INTO loans (copy_id, patron_id, branch_id, policy_id, status, checkout_at, due_at, renewals,
                           checkout_by, overridden)
        VALUES (p_copy_id, p_patron_id, l_copy_branch, l_policy_id, 'ACTIVE', l_now, p_due_at, 0,
                lib_session.actor(), l_overridden)
        RETURNING loan_id INTO p_loan_id;
        UPDATE copies SET status = 'ON_LOAN', status_changed_at = l_now WHERE copy_id = l_copy_id;
        lib_holds_core.on_checkout(p_patron_id, p_copy_id, p_loan_id);
        lib_notices_core.queue('CHECKOUT_RECEIPT', p_patron_id, p_loan_id, p_loan_id, NULL);
        IF l_overridden = 'Y' THEN
            lib_audit.log_event('loans', p_loan_id, 'OVERRIDE', 'codes=' || l_soft || '; note=' || TRIM(p_override_note));
        END IF;
    END lend;

    PROCEDURE checkout(p_patron_id IN NUMBER, p_copy_id IN NUMBER, p_due_date IN DATE, p_override IN VARCHAR2,
                       p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2,
                       p_loan_id OUT NUMBER, p_due_at OUT DATE) IS
        l_overridden CLOB; -- text on PostgreSQL: an OUT argument must have the parameter's exact type there
    BEGIN
        lib_auth.require_permission('CIRC_CHECKOUT');
        lend(p_patron_id, p_copy_id, p_due_date, p_override, p_override_codes, p_override_note, p_loan_id, p_due_at,
             l_overridden);
    END checkout;

    PROCEDURE checkout_by_barcode(p_card_number IN VARCHAR2, p_copy_barcode IN VARCHAR2, p_due_date IN DATE,
                                  p_override IN VARCHAR2, p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2,
                                  p_loan_id OUT NUMBER, p_due_at OUT DATE) IS
        l_patron_id  patrons.patron_id%TYPE;
        l_copy_id    copies.copy_id%TYPE;
        l_overridden CLOB; -- as in checkout
    BEGIN
        lib_auth.require_permission('CIRC_CHECKOUT');
        l_patron_id := patron_of(NULL, p_card_number);
        l_copy_id := copy_of(NULL, p_copy_barcode);
        lend(l_patron_id, l_copy_id, p_due_date, p_override, p_override_codes, p_override_note, p_loan_id, p_due_at,
             l_overridden);
    END checkout_by_barcode;

    PROCEDURE checkout_desk(p_patron_id IN NUMBER, p_card_number IN VARCHAR2, p_copy_id IN NUMBER,
                            p_copy_barcode IN VARCHAR2, p_due_date IN DATE, p_override IN VARCHAR2,
                            p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2,
                            p_loan_id OUT NUMBER, p_loan_patron_id OUT NUMBER, p_loan_copy_id OUT NUMBER,
                            p_due_at OUT DATE, p_overridden OUT VARCHAR2) IS
    BEGIN
        lib_auth.require_permission('CIRC_CHECKOUT');
        p_loan_patron_id := patron_of(p_patron_id, p_card_number);
        p_loan_copy_id := copy_of(p_copy_id, p_copy_barcode);
        lend(p_loan_patron_id, p_loan_copy_id, p_due_date, p_override, p_override_codes, p_override_note, p_loan_id,
             p_due_at, p_overridden);
    END checkout_desk;

    ----------------------------------------------------------------------------------------------
    -- check-in
    ----------------------------------------------------------------------------------------------

    -- Check in a copy, after the entry point checked CIRC_RETURN: its open loan closed, or, with no open
    -- loan, its state resolved (route_copy) when it is on a shelf, a hold shelf or in transit
    -- (copy_statuses.is_available, is_hold_trap); any other state (lost, damaged, withdrawn) is left as it
    -- is. p_returned_out: the return time recorded, NULL when no loan was closed.
    PROCEDURE take_back(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_returned_at IN DATE, p_condition IN VARCHAR2,
                        p_loan_id OUT NUMBER, p_returned_out OUT DATE, p_fine_id OUT NUMBER,
                        p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER, p_transit_to OUT NUMBER,
                         p_condition_note IN VARCHAR2) IS
        l_copy_id     copies.copy_id%TYPE := p_copy_id;
        CURSOR c_open_loan IS
            SELECT l.loan_id
              FROM loans l
             WHERE l.copy_id = l_copy_id
               AND l.status IN (SELECT ls.code FROM loan_statuses ls WHERE ls.is_open = 'Y')
             ORDER BY l.checkout_at DESC, l.loan_id DESC;
        l_copy_status copies.status%TYPE;
        l_home_branch copies.branch_id%TYPE;
        l_branch_id   branches.branch_id%TYPE;
        l_routed      NUMBER;
    BEGIN
        check_branch(p_branch_id);
        p_loan_id := NULL;
        p_returned_out := NULL;
        p_fine_id := NULL;
        p_fine_amount := 0;
        p_hold_id := NULL;
        p_transit_to := NULL;
        BEGIN
            SELECT c.status, c.branch_id
              INTO l_copy_status, l_home_branch
              FROM copies c
             WHERE c.copy_id = l_copy_id
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('COPY_NOT_FOUND', 'copy ' || p_copy_id);
        END;
        l_branch_id := NVL(p_branch_id, l_home_branch);

        OPEN c_open_loan;
        FETCH c_open_loan INTO p_loan_id;
        CLOSE c_open_loan;
        IF p_loan_id IS NOT NULL THEN
            close_loan(p_loan_id, p_copy_id, l_branch_id, p_returned_at, p_condition, p_returned_out, p_fine_id,
                       p_fine_amount, p_hold_id, p_transit_to, p_condition_note);
        ELSE
            -- check in anything: a transit ends or starts, a hold traps the copy, or it is confirmed on the shelf
            SELECT COUNT(*)
              INTO l_routed
              FROM copy_statuses cs
             WHERE cs.code = l_copy_status
               AND (cs.is_available = 'Y' OR cs.is_hold_trap = 'Y');
            -- a copy declared lost with no loan (mark_copy_lost) that turns up is found: routed as any other
            IF l_routed > 0 OR l_copy_status = 'LOST' THEN
                route_copy(p_copy_id, l_branch_id, p_hold_id, p_transit_to);
            END IF;
        END IF;
    END take_back;

    -- Check in a given loan, after the entry point checked CIRC_RETURN; p_copy_id: its copy.
    PROCEDURE take_back_loan(p_loan_id IN NUMBER, p_branch_id IN NUMBER, p_returned_at IN DATE,
                             p_condition IN VARCHAR2, p_copy_id OUT NUMBER, p_returned_out OUT DATE,
                             p_fine_id OUT NUMBER, p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER,
                             p_transit_to OUT NUMBER, p_condition_note IN VARCHAR2) IS
        l_loan_id     loans.loan_id%TYPE := p_loan_id;
        l_copy_id     loans.copy_id%TYPE;
        l_home_branch copies.branch_id%TYPE;
    BEGIN
        check_branch(p_branch_id);
        SELECT MAX(l.copy_id) INTO l_copy_id FROM loans l WHERE l.loan_id = l_loan_id;
        IF l_copy_id IS NULL THEN
            lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id);
        END IF;
        -- lock order as everywhere: the copy, then the loan (in close_loan)
        SELECT c.branch_id INTO l_home_branch FROM copies c WHERE c.copy_id = l_copy_id FOR UPDATE;
        p_copy_id := l_copy_id;
        close_loan(p_loan_id, l_copy_id, NVL(p_branch_id, l_home_branch), p_returned_at, p_condition,
                   p_returned_out, p_fine_id, p_fine_amount, p_hold_id, p_transit_to, p_condition_note);
    END take_back_loan;

    PROCEDURE checkin(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_returned_at IN DATE, p_condition IN VARCHAR2,
                      p_loan_id OUT NUMBER, p_fine_id OUT NUMBER, p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER,
                      p_condition_note IN VARCHAR2 DEFAULT NULL) IS
        l_returned_at DATE;
        l_transit_to  NUMBER;
    BEGIN
        lib_auth.require_permission('CIRC_RETURN');
        take_back(p_copy_id, p_branch_id, p_returned_at, p_condition, p_loan_id, l_returned_at, p_fine_id,
                  p_fine_amount, p_hold_id, l_transit_to, p_condition_note);
    END checkin;

    PROCEDURE checkin_by_barcode(p_copy_barcode IN VARCHAR2, p_branch_id IN NUMBER, p_returned_at IN DATE,
                                 p_condition IN VARCHAR2, p_loan_id OUT NUMBER, p_fine_id OUT NUMBER,
                                 p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER,
                                 p_condition_note IN VARCHAR2 DEFAULT NULL) IS
        l_copy_id     copies.copy_id%TYPE;
        l_returned_at DATE;
        l_transit_to  NUMBER;
    BEGIN
        lib_auth.require_permission('CIRC_RETURN');
        l_copy_id := copy_of(NULL, p_copy_barcode);
        take_back(l_copy_id, p_branch_id, p_returned_at, p_condition, p_loan_id, l_returned_at, p_fine_id,
                  p_fine_amount, p_hold_id, l_transit_to, p_condition_note);
    END checkin_by_barcode;

    PROCEDURE checkin_loan(p_loan_id IN NUMBER, p_branch_id IN NUMBER, p_returned_at IN DATE,
                           p_condition IN VARCHAR2, p_fine_id OUT NUMBER, p_fine_amount OUT fines.amount%TYPE,
                           p_hold_id OUT NUMBER, p_condition_note IN VARCHAR2 DEFAULT NULL) IS
        l_copy_id     NUMBER; -- an OUT argument: the parameter's own type (numeric, not bigint, on PostgreSQL)
        l_returned_at DATE;
        l_transit_to  NUMBER;
    BEGIN
        lib_auth.require_permission('CIRC_RETURN');
        take_back_loan(p_loan_id, p_branch_id, p_returned_at, p_condition, l_copy_id, l_returned_at, p_fine_id,
                       p_fine_amount, p_hold_id, l_transit_to, p_condition_note);
    END checkin_loan;

    PROCEDURE checkin_desk(p_loan_id IN NUMBER, p_copy_id IN NUMBER, p_copy_barcode IN VARCHAR2,
                           p_branch_id IN NUMBER, p_returned_at IN DATE, p_condition IN VARCHAR2,
                           p_closed_loan_id OUT NUMBER, p_closed_copy_id OUT NUMBER, p_returned_out OUT DATE,
                           p_fine_id OUT NUMBER, p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER,
                           p_hold_patron_id OUT NUMBER, p_hold_status OUT VARCHAR2, p_transit_to OUT NUMBER,
                           p_copy_status OUT VARCHAR2, p_condition_note IN VARCHAR2 DEFAULT NULL) IS
        l_hold_id holds.hold_id%TYPE;
        l_copy_id copies.copy_id%TYPE;
    BEGIN
        lib_auth.require_permission('CIRC_RETURN');
        p_hold_patron_id := NULL;
        p_hold_status := NULL;
        IF p_loan_id IS NOT NULL THEN
            IF p_copy_id IS NOT NULL OR p_copy_barcode IS NOT NULL THEN
                lib_err.raise_error('INVALID_ARGUMENT', 'give a loan id, a copy id or a barcode, not two');
            END IF;
            p_closed_loan_id := p_loan_id;
            take_back_loan(p_loan_id, p_branch_id, p_returned_at, p_condition, p_closed_copy_id, p_returned_out,
                           p_fine_id, p_fine_amount, p_hold_id, p_transit_to, p_condition_note);
        ELSE
            p_closed_copy_id := copy_of(p_copy_id, p_copy_barcode);
            take_back(p_closed_copy_id, p_branch_id, p_returned_at, p_condition, p_closed_loan_id, p_returned_out,
                      p_fine_id, p_fine_amount, p_hold_id, p_transit_to, p_condition_note);
        END IF;
        IF p_hold_id IS NOT NULL THEN
            l_hold_id := p_hold_id;
            SELECT h.patron_id, h.status INTO p_hold_patron_id, p_hold_status FROM holds h WHERE h.hold_id = l_hold_id;
        END IF;
        l_copy_id := p_closed_copy_id;
        SELECT c.status INTO p_copy_status FROM copies c WHERE c.copy_id = l_copy_id;
    END checkin_desk;

    ----------------------------------------------------------------------------------------------
    -- renewal
    ----------------------------------------------------------------------------------------------

    PROCEDURE renew(p_loan_id IN NUMBER, p_due_at OUT DATE, p_renewals OUT NUMBER) IS
        l_refusal    CLOB; -- as in checkout
        l_overridden CLOB;
    BEGIN
        lib_auth.require_permission('CIRC_RENEW');
        do_renew(p_loan_id, NULL, 'Y', 'Y', 'N', NULL, NULL, p_due_at, p_renewals, l_refusal, l_overridden);
    END renew;

    PROCEDURE renew_own(p_patron_id IN NUMBER, p_loan_id IN NUMBER, p_due_at OUT DATE, p_renewals OUT NUMBER) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_user_id   patrons.user_id%TYPE;
        l_found     NUMBER;
        l_actor      users.user_id%TYPE;
        l_refusal    CLOB; -- as in checkout
        l_overridden CLOB;
    BEGIN
        SELECT COUNT(*), MAX(p.user_id) INTO l_found, l_user_id FROM patrons p WHERE p.patron_id = l_patron_id;
        IF l_found = 0 THEN
            lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id || ' of patron ' || p_patron_id);
        END IF;
        l_actor := lib_session.actor();
        IF l_actor IS NULL OR l_user_id IS NULL OR l_user_id <> l_actor THEN
            lib_auth.require_permission('CIRC_RENEW'); -- staff, or system work with no actor
        END IF;
        do_renew(p_loan_id, p_patron_id, 'Y', 'N', 'N', NULL, NULL, p_due_at, p_renewals, l_refusal, l_overridden);
    END renew_own;

    -- The ACTIVE loan of the copy with this barcode.
    FUNCTION loan_of_barcode(p_copy_barcode IN VARCHAR2) RETURN NUMBER IS
        l_copy_id copies.copy_id%TYPE;
        l_loan_id loans.loan_id%TYPE;
    BEGIN
        SELECT MAX(c.copy_id) INTO l_copy_id FROM copies c WHERE c.barcode = p_copy_barcode;
        IF l_copy_id IS NULL THEN
            lib_err.raise_error('COPY_NOT_FOUND', 'barcode ' || p_copy_barcode);
        END IF;
        SELECT MAX(l.loan_id) INTO l_loan_id FROM loans l WHERE l.copy_id = l_copy_id AND l.status = 'ACTIVE';
        IF l_loan_id IS NULL THEN
            lib_err.raise_error('LOAN_NOT_ACTIVE', 'copy ' || p_copy_barcode || ' is not on loan');
        END IF;
        RETURN l_loan_id;
    END loan_of_barcode;

    PROCEDURE renew_by_barcode(p_copy_barcode IN VARCHAR2, p_loan_id OUT NUMBER, p_due_at OUT DATE,
                               p_renewals OUT NUMBER) IS
        l_refusal    CLOB; -- as in checkout
        l_overridden CLOB;
    BEGIN
        lib_auth.require_permission('CIRC_RENEW');
        p_loan_id := loan_of_barcode(p_copy_barcode);
        do_renew(p_loan_id, NULL, 'Y', 'Y', 'N', NULL, NULL, p_due_at, p_renewals, l_refusal, l_overridden);
    END renew_by_barcode;

    PROCEDURE renew_desk(p_loan_id IN NUMBER, p_copy_barcode IN VARCHAR2, p_override IN VARCHAR2,
                         p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2, p_renewed_loan_id OUT NUMBER,
                         p_due_at OUT DATE, p_renewals OUT NUMBER, p_overridden OUT VARCHAR2) IS
        l_refusal CLOB; -- as in checkout
    BEGIN
        lib_auth.require_permission('CIRC_RENEW');
        IF p_copy_barcode IS NULL THEN
            IF p_loan_id IS NULL THEN
                lib_err.raise_error('LOAN_NOT_FOUND', 'no loan given');
            END IF;
            p_renewed_loan_id := p_loan_id;
        ELSIF p_loan_id IS NOT NULL THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'give a loan id or a barcode, not both');
        ELSE
            p_renewed_loan_id := loan_of_barcode(p_copy_barcode);
        END IF;
        do_renew(p_renewed_loan_id, NULL, 'Y', 'Y', p_override, p_override_codes, p_override_note, p_due_at,
                 p_renewals, l_refusal, p_overridden);
    END renew_desk;

    PROCEDURE renew_all(p_patron_id IN NUMBER, p_card_number IN VARCHAR2, p_override IN VARCHAR2,
                        p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2, p_renewed_patron_id OUT NUMBER,
                        p_results OUT VARCHAR2) IS
        l_patron_id patrons.patron_id%TYPE;
        l_found     NUMBER;
        l_due_at    DATE;
        l_renewals  NUMBER;
        l_refusal   CLOB; -- as in checkout
        l_overridden CLOB;
        l_line      VARCHAR2(1000);
    BEGIN
        lib_auth.require_permission('CIRC_RENEW');
        check_override(p_override, p_override_note);
        l_patron_id := patron_of(p_patron_id, p_card_number);
        SELECT COUNT(*) INTO l_found FROM patrons p WHERE p.patron_id = l_patron_id;
        IF l_found = 0 THEN
            lib_err.raise_error('PATRON_NOT_FOUND', 'patron ' || p_patron_id);
        END IF;
        p_renewed_patron_id := l_patron_id;
        p_results := NULL;
        FOR r_loan IN (SELECT l.loan_id
                         FROM loans l
                        WHERE l.patron_id = l_patron_id
                          AND l.status = 'ACTIVE'
                        ORDER BY l.due_at, l.loan_id) LOOP
            do_renew(r_loan.loan_id, l_patron_id, 'N', 'Y', p_override, p_override_codes, p_override_note, l_due_at,
                     l_renewals, l_refusal, l_overridden);
            IF l_refusal IS NULL THEN
                l_line := r_loan.loan_id || '|OK|' || TO_CHAR(l_due_at, 'YYYY-MM-DD HH24:MI:SS') || '|' || l_renewals
                          || '|' || NVL(l_overridden, ''); -- '' is NULL on Oracle, || NULL is NULL on PostgreSQL
            ELSE
                l_line := r_loan.loan_id || '|' || first_reason(l_refusal) || '|' || l_refusal || '|'
                          || NVL(refusals_of_kind(l_refusal, 'Y'), '');
            END IF;
            IF p_results IS NULL THEN
                p_results := l_line;
            ELSE
                p_results := p_results || ';' || l_line;
            END IF;
        END LOOP;
    END renew_all;

    ----------------------------------------------------------------------------------------------
    -- lost
    ----------------------------------------------------------------------------------------------

    PROCEDURE mark_lost(p_loan_id IN NUMBER) IS
        l_loan_id     loans.loan_id%TYPE := p_loan_id;
        l_copy_id     loans.copy_id%TYPE;
        l_status      loans.status%TYPE;
        l_now         DATE;
        l_fine_id     NUMBER;
        l_fine_amount NUMBER;
        l_lost_id     NUMBER;
    BEGIN
        lib_auth.require_permission('CIRC_RETURN');
        SELECT MAX(l.copy_id) INTO l_copy_id FROM loans l WHERE l.loan_id = l_loan_id;
        IF l_copy_id IS NULL THEN
            lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id);
        END IF;
        SELECT c.copy_id INTO l_copy_id FROM copies c WHERE c.copy_id = l_copy_id FOR UPDATE;
        SELECT l.status INTO l_status FROM loans l WHERE l.loan_id = l_loan_id FOR UPDATE;
        IF l_status = 'LOST' THEN
            lib_err.raise_error('LOAN_ALREADY_LOST', 'loan ' || p_loan_id);
        ELSIF l_status <> 'ACTIVE' THEN
            lib_err.raise_error('LOAN_NOT_ACTIVE', 'loan ' || p_loan_id || ' is ' || l_status);
        END IF;
        l_now := lib_clock.now_utc();
        lib_fines_core.charge_overdue(p_loan_id, l_now, l_fine_id, l_fine_amount);
        UPDATE loans SET status = 'LOST', lost_at = l_now WHERE loan_id = l_loan_id;
        UPDATE copies SET status = 'LOST', status_changed_at = l_now WHERE copy_id = l_copy_id;
        lib_holds_core.leave_circulation(l_copy_id, 'LOST'); -- a transit left open on it ends as cancelled
        lib_fines_core.charge_lost(p_loan_id, l_lost_id);
    END mark_lost;

    PROCEDURE mark_copy_lost(p_copy_id IN NUMBER, p_copy_barcode IN VARCHAR2, p_reason IN VARCHAR2,
                             p_lost_copy_id OUT NUMBER) IS
        l_copy_id copies.copy_id%TYPE;
        l_status  copies.status%TYPE;
        l_open    NUMBER;
        l_note    copies.condition_note%TYPE;
    BEGIN
        lib_auth.require_permission('CIRC_RETURN');
        l_copy_id := copy_of(p_copy_id, p_copy_barcode);
        p_lost_copy_id := l_copy_id;
        BEGIN
            SELECT c.status INTO l_status FROM copies c WHERE c.copy_id = l_copy_id FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('COPY_NOT_FOUND', 'copy ' || l_copy_id);
        END;
        SELECT COUNT(*)
          INTO l_open
          FROM loans l
         WHERE l.copy_id = l_copy_id
           AND l.status IN (SELECT ls.code FROM loan_statuses ls WHERE ls.is_open = 'Y');
        IF l_open > 0 THEN
            lib_err.raise_error('COPY_ALREADY_ON_LOAN', 'copy ' || l_copy_id || ': declare its loan lost');
        ELSIF copy_refusal(l_status) = 'COPY_LOST_OR_WITHDRAWN' THEN
            lib_err.raise_error('COPY_LOST_OR_WITHDRAWN', 'copy ' || l_copy_id || ' is ' || l_status);
        END IF;
        lib_holds_core.leave_circulation(l_copy_id, 'LOST'); -- its hold back to the queue, its transit cancelled
        -- the reason kept as withdraw_copy keeps its own: on the copy, and in the audit row of this update
        IF LENGTH(TRIM(p_reason)) > 0 THEN
            l_note := SUBSTR(TRIM(p_reason), 1, 400);
        END IF;
        UPDATE copies
           SET status = 'LOST',
               status_changed_at = lib_clock.now_utc(),
               condition_note = NVL(l_note, condition_note)
         WHERE copy_id = l_copy_id;
    END mark_copy_lost;

END lib_circulation;
/
