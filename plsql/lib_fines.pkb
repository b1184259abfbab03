CREATE OR REPLACE PACKAGE BODY lib_fines AS

    ----------------------------------------------------------------------------------------------
    -- private helpers
    ----------------------------------------------------------------------------------------------

    PROCEDURE check_amount(p_amount IN NUMBER, p_error IN VARCHAR2) IS
    BEGIN
        IF p_amount IS NULL OR p_amount <= 0 OR p_amount <> ROUND(p_amount, 2) THEN
            lib_err.raise_error(p_error, 'amount ' || NVL(money_text(p_amount), 'NULL'));
        END IF;
    END check_amount;

    -- a way a patron pays (payment_methods.is_tender; a refund is written by the rules only)
    PROCEDURE check_method(p_method IN VARCHAR2) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM payment_methods pm WHERE pm.code = p_method AND pm.is_tender = 'Y';
        IF l_count = 0 THEN
            lib_err.raise_error('INVALID_PAYMENT_METHOD', 'method ' || NVL(p_method, 'NULL'));
        END IF;
    END check_method;

    -- apply a payment to a locked OPEN fine: payments row, amount_paid, PAID when settled
    PROCEDURE apply_payment(p_fine_id IN NUMBER, p_patron_id IN NUMBER, p_amount IN NUMBER,
                            p_method IN VARCHAR2, p_note IN VARCHAR2, p_payment_id OUT NUMBER) IS
        l_fine_id fines.fine_id%TYPE := p_fine_id;
        l_now     DATE;
    BEGIN
        l_now := lib_clock.now_utc();
        INSERT INTO payments (fine_id, patron_id, amount, method, paid_at, received_by, note)
        VALUES (p_fine_id, p_patron_id, p_amount, p_method, l_now, lib_session.actor(), p_note)
        RETURNING payment_id INTO p_payment_id;
        UPDATE fines
           SET amount_paid = amount_paid + p_amount,
               status = CASE WHEN amount_paid + p_amount >= amount THEN 'PAID' ELSE 'OPEN' END,
               closed_at = CASE WHEN amount_paid + p_amount >= amount THEN l_now END
         WHERE fine_id = l_fine_id;
    END apply_payment;

    ----------------------------------------------------------------------------------------------
    -- public
    ----------------------------------------------------------------------------------------------

    FUNCTION balance(p_patron_id IN NUMBER) RETURN fines.amount%TYPE IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_balance   NUMBER;
    BEGIN
        SELECT NVL(SUM(f.amount - f.amount_paid), 0)
          INTO l_balance
          FROM fines f
         WHERE f.patron_id = l_patron_id
           AND f.status = 'OPEN';
        RETURN l_balance;
    END balance;

    FUNCTION money_text(p_amount IN fines.amount%TYPE) RETURN VARCHAR2 IS
    BEGIN
        IF p_amount IS NULL THEN
            RETURN NULL;
        ELSIF p_amount = ROUND(p_amount, 2) THEN
            RETURN TO_CHAR(p_amount, 'FM999999999990.00');
        END IF;
        -- not a money amount (a refused input): every decimal it has, at least two
        RETURN TO_CHAR(p_amount, 'FM999999999990.00999999');
    END money_text;

    FUNCTION blocking_balance(p_patron_id IN NUMBER,
                              p_threshold IN circ_policies.fine_block_threshold%TYPE) RETURN fines.amount%TYPE IS
        l_balance NUMBER;
    BEGIN
        l_balance := balance(p_patron_id);
        IF l_balance > 0 AND l_balance >= p_threshold THEN
            RETURN l_balance;
        END IF;
        RETURN 0;
    END blocking_balance;

    FUNCTION overdue_charge(p_loan_id IN NUMBER, p_as_of IN DATE) RETURN fines.amount%TYPE IS
        l_loan_id         loans.loan_id%TYPE := p_loan_id;
        l_fine_id         fines.fine_id%TYPE;
        l_amount          fines.amount%TYPE;
        l_amount_paid     fines.amount_paid%TYPE;
        l_status          fines.status%TYPE;
        l_accrued_through fines.accrued_through%TYPE;
        l_assessed_at     fines.assessed_at%TYPE;
        l_as_of           DATE;
    BEGIN
        l_as_of := NVL(p_as_of, lib_clock.now_utc());
        BEGIN
            SELECT f.fine_id, f.amount, f.amount_paid, f.status, f.accrued_through, f.assessed_at
              INTO l_fine_id, l_amount, l_amount_paid, l_status, l_accrued_through, l_assessed_at
              FROM fines f
             WHERE f.loan_id = l_loan_id
               AND f.fine_type = 'OVERDUE';
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                l_fine_id := NULL;
        END;
        IF l_fine_id IS NOT NULL AND l_status <> 'OPEN' AND l_status <> 'PAID' THEN
            RETURN 0;
        END IF;
        RETURN lib_fines_core.target_amount(p_loan_id, l_as_of, l_fine_id, l_amount, l_amount_paid,
                             l_accrued_through, l_assessed_at);
    END overdue_charge;

    PROCEDURE pay(p_fine_id IN NUMBER, p_amount IN payments.amount%TYPE, p_method IN VARCHAR2, p_note IN VARCHAR2,
                  p_payment_id OUT NUMBER, p_balance OUT fines.amount%TYPE,
                  p_amount_paid OUT fines.amount_paid%TYPE, p_status OUT fines.status%TYPE) IS
        l_fine_id     fines.fine_id%TYPE := p_fine_id;
        l_patron_id   fines.patron_id%TYPE;
        l_amount      fines.amount%TYPE;
        l_amount_paid fines.amount_paid%TYPE;
        l_status      fines.status%TYPE;
    BEGIN
        lib_auth.require_permission('FINE_COLLECT');
        BEGIN
            SELECT f.patron_id, f.amount, f.amount_paid, f.status
              INTO l_patron_id, l_amount, l_amount_paid, l_status
              FROM fines f
             WHERE f.fine_id = l_fine_id
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('FINE_NOT_FOUND', 'fine ' || p_fine_id);
        END;
        IF l_status <> 'OPEN' THEN
            lib_err.raise_error('FINE_NOT_OPEN', 'fine ' || p_fine_id || ' is ' || l_status);
        END IF;
        check_amount(p_amount, 'INVALID_PAYMENT_AMOUNT');
        check_method(p_method);
        IF p_amount > l_amount - l_amount_paid THEN
            lib_err.raise_error('PAYMENT_EXCEEDS_BALANCE', 'owed ' || money_text(l_amount - l_amount_paid));
        END IF;
        apply_payment(p_fine_id, l_patron_id, p_amount, p_method, p_note, p_payment_id);
        p_balance := l_amount - l_amount_paid - p_amount;
        p_amount_paid := l_amount_paid + p_amount;
        p_status := CASE WHEN l_amount_paid + p_amount >= l_amount THEN 'PAID' ELSE 'OPEN' END;  -- as apply_payment
    END pay;

    PROCEDURE pay_all(p_patron_id IN NUMBER, p_amount IN payments.amount%TYPE, p_method IN VARCHAR2, p_note IN VARCHAR2,
                      p_payments OUT NUMBER, p_balance OUT fines.amount%TYPE) IS
        l_patron_id  patrons.patron_id%TYPE := p_patron_id;
        l_found      NUMBER;
        l_left       NUMBER;
        l_part       NUMBER;
        l_payment_id NUMBER;
    BEGIN
        lib_auth.require_permission('FINE_COLLECT');
        SELECT COUNT(*) INTO l_found FROM patrons p WHERE p.patron_id = l_patron_id;
        IF l_found = 0 THEN
            lib_err.raise_error('PATRON_NOT_FOUND', 'patron ' || p_patron_id);
        END IF;
        check_amount(p_amount, 'INVALID_PAYMENT_AMOUNT');
        check_method(p_method);
        p_payments := 0;
        l_left := p_amount;
        -- lock the open fines first (oldest first), then check the total against the locked rows
        FOR r IN (SELECT f.fine_id FROM fines f
                   WHERE f.patron_id = l_patron_id AND f.status = 'OPEN'
                   ORDER BY f.assessed_at, f.fine_id
                     FOR UPDATE) LOOP
            NULL;
        END LOOP;
        IF p_amount > balance(p_patron_id) THEN
            lib_err.raise_error('PAYMENT_EXCEEDS_BALANCE', 'owed ' || money_text(balance(p_patron_id)));
        END IF;
        FOR r IN (SELECT f.fine_id, f.amount - f.amount_paid AS owed
                    FROM fines f
                   WHERE f.patron_id = l_patron_id AND f.status = 'OPEN' AND f.amount > f.amount_paid
                   ORDER BY f.assessed_at, f.fine_id
                     FOR UPDATE) LOOP -- again: a fine charged since the first lock is read locked, as it is now
            EXIT WHEN l_left <= 0;
            l_part := LEAST(l_left, r.owed);
            apply_payment(r.fine_id, p_patron_id, l_part, p_method, p_note, l_payment_id);
            l_left := l_left - l_part;
            p_payments := p_payments + 1;
        END LOOP;
        p_balance := balance(p_patron_id);
    END pay_all;

    PROCEDURE waive(p_fine_id IN NUMBER, p_reason IN VARCHAR2) IS
        l_fine_id   fines.fine_id%TYPE := p_fine_id;
        l_status    fines.status%TYPE;
        l_branch_id branches.branch_id%TYPE;
    BEGIN
        lib_auth.require_permission('FINE_WAIVE');
        -- blank is no reason: Oracle turns TRIM of blanks into NULL, PostgreSQL into a zero-length string
        IF NVL(LENGTH(TRIM(p_reason)), 0) = 0 THEN
            lib_err.raise_error('WAIVE_REASON_REQUIRED', 'fine ' || p_fine_id);
        END IF;
        BEGIN
            SELECT f.status INTO l_status FROM fines f WHERE f.fine_id = l_fine_id FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('FINE_NOT_FOUND', 'fine ' || p_fine_id);
        END;
        -- the fine's branch: where its loan was made, or for a charge without a loan the patron's home
        -- branch; a permission held for one branch only (a branch manager's) waives that branch's fines
        SELECT COALESCE(l.branch_id, p.home_branch_id)
          INTO l_branch_id
          FROM fines f
          JOIN patrons p ON p.patron_id = f.patron_id
          LEFT JOIN loans l ON l.loan_id = f.loan_id
         WHERE f.fine_id = l_fine_id;
        lib_auth.require_permission_at('FINE_WAIVE', l_branch_id);
        IF l_status <> 'OPEN' THEN
            lib_err.raise_error('FINE_NOT_OPEN', 'fine ' || p_fine_id || ' is ' || l_status);
        END IF;
        UPDATE fines
           SET status = 'WAIVED', waived_by = lib_session.actor(), waive_reason = TRIM(p_reason),
               closed_at = lib_clock.now_utc()
         WHERE fine_id = l_fine_id;
    END waive;

    PROCEDURE refund(p_fine_id IN NUMBER, p_amount IN payments.amount%TYPE, p_method IN VARCHAR2,
                     p_reason IN VARCHAR2, p_refund_id OUT NUMBER, p_refunded OUT fines.amount%TYPE,
                     p_refundable OUT fines.amount%TYPE, p_balance OUT fines.amount%TYPE,
                     p_status OUT fines.status%TYPE) IS
        l_fine_id     fines.fine_id%TYPE := p_fine_id;
        l_patron_id   fines.patron_id%TYPE;
        l_amount      fines.amount%TYPE;
        l_amount_paid fines.amount_paid%TYPE;
        l_status      fines.status%TYPE;
        l_branch_id   branches.branch_id%TYPE;
        l_refunded    NUMBER;
        l_now         DATE;
    BEGIN
        lib_auth.require_permission('FINE_WAIVE');
        IF NVL(LENGTH(TRIM(p_reason)), 0) = 0 THEN -- blank is no reason (see waive)
            lib_err.raise_error('REFUND_REASON_REQUIRED', 'fine ' || p_fine_id);
        END IF;
        -- the lock serialises refunds (and payments) of the fine: the sum below counts every committed one
        BEGIN
            SELECT f.patron_id, f.amount, f.amount_paid, f.status
              INTO l_patron_id, l_amount, l_amount_paid, l_status
              FROM fines f
             WHERE f.fine_id = l_fine_id
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('FINE_NOT_FOUND', 'fine ' || p_fine_id);
        END;
        SELECT COALESCE(l.branch_id, p.home_branch_id)
          INTO l_branch_id
          FROM fines f
          JOIN patrons p ON p.patron_id = f.patron_id
          LEFT JOIN loans l ON l.loan_id = f.loan_id
         WHERE f.fine_id = l_fine_id;
        lib_auth.require_permission_at('FINE_WAIVE', l_branch_id);
        check_amount(p_amount, 'INVALID_REFUND_AMOUNT');
        check_method(p_method);
        SELECT NVL(SUM(y.amount), 0) INTO l_refunded
          FROM payments y
         WHERE y.fine_id = l_fine_id
           AND y.method = 'REFUND';
        IF l_amount_paid = 0 THEN
            lib_err.raise_error('FINE_NOT_PAID', 'fine ' || p_fine_id);
        ELSIF l_status = 'REFUNDED' OR l_refunded >= l_amount_paid THEN
            lib_err.raise_error('FINE_ALREADY_REFUNDED', 'fine ' || p_fine_id || ' refunded '
                                || money_text(l_refunded));
        ELSIF p_amount > l_amount_paid - l_refunded THEN
            lib_err.raise_error('REFUND_EXCEEDS_PAID', 'refundable ' || money_text(l_amount_paid - l_refunded));
        END IF;
        l_now := lib_clock.now_utc();
        INSERT INTO payments (fine_id, patron_id, amount, method, paid_at, received_by, note, refund_method)
        VALUES (p_fine_id, l_patron_id, p_amount, 'REFUND', l_now, lib_session.actor(), TRIM(p_reason), p_method)
        RETURNING payment_id INTO p_refund_id;
        p_refunded := l_refunded + p_amount;
        p_refundable := l_amount_paid - p_refunded;
        p_status := l_status;
        IF p_refundable = 0 AND l_status <> 'OPEN' THEN
            UPDATE fines SET status = 'REFUNDED', closed_at = l_now WHERE fine_id = l_fine_id;
            p_status := 'REFUNDED';
        END IF;
        p_balance := CASE WHEN p_status = 'OPEN' THEN l_amount - l_amount_paid ELSE 0 END;
    END refund;

    PROCEDURE add_charge(p_patron_id IN NUMBER, p_loan_id IN NUMBER, p_fine_type IN VARCHAR2,
                         p_amount IN fines.amount%TYPE, p_description IN VARCHAR2, p_fine_id OUT NUMBER) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_loan_id   loans.loan_id%TYPE := p_loan_id;
        l_found     NUMBER;
    BEGIN
        lib_auth.require_permission('FINE_COLLECT');
        -- a charge staff may make by hand (fine_types.staff_charge; overdue and lost ones are the rules')
        SELECT COUNT(*) INTO l_found FROM fine_types ft WHERE ft.code = p_fine_type AND ft.staff_charge = 'Y';
        IF l_found = 0 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'fine type ' || NVL(p_fine_type, 'NULL'));
        END IF;
        check_amount(p_amount, 'INVALID_FINE_AMOUNT');
        SELECT COUNT(*) INTO l_found FROM patrons p WHERE p.patron_id = l_patron_id;
        IF l_found = 0 THEN
            lib_err.raise_error('PATRON_NOT_FOUND', 'patron ' || p_patron_id);
        END IF;
        IF p_loan_id IS NOT NULL THEN
            SELECT COUNT(*) INTO l_found FROM loans l WHERE l.loan_id = l_loan_id AND l.patron_id = l_patron_id;
            IF l_found = 0 THEN
                lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id || ' of patron ' || p_patron_id);
            END IF;
        END IF;
        INSERT INTO fines (patron_id, loan_id, fine_type, amount, amount_paid, status, assessed_at, description)
        VALUES (p_patron_id, p_loan_id, p_fine_type, p_amount, 0, 'OPEN', lib_clock.now_utc(), p_description)
        RETURNING fine_id INTO p_fine_id;
        lib_notices_core.queue('FINE_CHARGED', l_patron_id, p_fine_id, l_loan_id, NULL);
    END add_charge;

END lib_fines;
/
