CREATE OR REPLACE PACKAGE BODY lib_inspections AS

    FUNCTION grade_of(p_condition IN VARCHAR2) RETURN VARCHAR2 IS
        l_code  condition_grades.code%TYPE;
        l_given VARCHAR2(4000);
    BEGIN
        l_given := UPPER(TRIM(p_condition));
        IF l_given IS NULL OR LENGTH(l_given) = 0 THEN
            RETURN NULL;
        END IF;
        SELECT MAX(g.code) INTO l_code FROM condition_grades g WHERE g.code = l_given;
        IF l_code IS NULL THEN
            lib_err.raise_error('CONDITION_GRADE_NOT_FOUND', SUBSTR(p_condition, 1, 40));
        END IF;
        RETURN l_code;
    END grade_of;

    -- the DAMAGE charge of a loan under its policy, 0 when none
    FUNCTION damage_amount(p_loan_id IN NUMBER) RETURN NUMBER IS
        l_loan_id loans.loan_id%TYPE := p_loan_id;
        l_amount  NUMBER;
    BEGIN
        SELECT MAX(COALESCE(cp.damage_fee, ROUND(cp.damage_fee_share * m.replacement_cost, 2), 0))
          INTO l_amount
          FROM loans l
          JOIN circ_policies cp ON cp.policy_id = l.policy_id
          JOIN copies c ON c.copy_id = l.copy_id
          JOIN materials m ON m.material_id = c.material_id
         WHERE l.loan_id = l_loan_id;
        RETURN NVL(l_amount, 0);
    END damage_amount;

    PROCEDURE record_checkin(p_copy_id IN NUMBER, p_loan_id IN NUMBER, p_condition IN VARCHAR2, p_note IN VARCHAR2,
                             p_to_repair OUT NUMBER) IS
        l_copy_id   copies.copy_id%TYPE := p_copy_id;
        l_loan_id   loans.loan_id%TYPE := p_loan_id;
        l_grade     condition_grades.code%TYPE;
        l_repair    condition_grades.sends_to_repair%TYPE;
        l_charges   condition_grades.charges_damage%TYPE;
        l_note      copy_inspections.note%TYPE;
        l_patron_id loans.patron_id%TYPE;
        l_barcode   copies.barcode%TYPE;
        l_amount    NUMBER;
        l_fine_id   fines.fine_id%TYPE;
        l_now       DATE;
    BEGIN
        p_to_repair := 0;
        l_grade := grade_of(p_condition);
        l_note := SUBSTR(TRIM(p_note), 1, 400);
        IF LENGTH(l_note) = 0 THEN
            l_note := NULL; -- '' on PostgreSQL
        END IF;
        IF l_note IS NOT NULL THEN
            UPDATE copies SET condition_note = l_note WHERE copy_id = l_copy_id;
        END IF;
        IF l_grade IS NULL THEN
            RETURN;
        END IF;
        l_now := lib_clock.now_utc();
        SELECT g.sends_to_repair, g.charges_damage INTO l_repair, l_charges FROM condition_grades g WHERE g.code = l_grade;
        l_fine_id := NULL;
        IF l_charges = 'Y' AND p_loan_id IS NOT NULL THEN
            l_amount := damage_amount(p_loan_id);
            IF l_amount > 0 THEN
                SELECT l.patron_id, c.barcode
                  INTO l_patron_id, l_barcode
                  FROM loans l
                  JOIN copies c ON c.copy_id = l.copy_id
                 WHERE l.loan_id = l_loan_id;
                INSERT INTO fines (patron_id, loan_id, fine_type, amount, amount_paid, status, assessed_at, description)
                VALUES (l_patron_id, p_loan_id, 'DAMAGE', l_amount, 0, 'OPEN', l_now,
                        CASE WHEN l_note IS NULL THEN 'Damaged copy ' || l_barcode
                             ELSE SUBSTR('Damaged copy ' || l_barcode || ': ' || l_note, 1, 400) END)
                RETURNING fine_id INTO l_fine_id;
                lib_notices_core.queue('FINE_CHARGED', l_patron_id, l_fine_id, p_loan_id, NULL);
            END IF;
        END IF;
        INSERT INTO copy_inspections (copy_id, loan_id, grade, note, inspected_by, inspected_at, fine_id)
        VALUES (p_copy_id, p_loan_id, l_grade, l_note, lib_session.actor(), l_now, l_fine_id);
        IF l_repair = 'Y' THEN
            UPDATE copies SET status = 'IN_REPAIR', status_changed_at = l_now WHERE copy_id = l_copy_id;
            p_to_repair := 1;
        END IF;
    END record_checkin;

END lib_inspections;
/
