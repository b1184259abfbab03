CREATE OR REPLACE PACKAGE lib_inspections AS
    /**
     * Condition inspection at check-in: the desk grades the copy (condition_grades: GOOD, WORN, DAMAGED,
     * MISSING_PARTS, as data) with a note. Each grade is kept in the copy's history (copy_inspections,
     * audited). A grade that sends_to_repair puts the copy IN_REPAIR (not available, not a hold trap, so
     * no hold takes it); a grade that charges_damage charges the loan's patron a DAMAGE fine by the loan's
     * policy: damage_fee, else damage_fee_share of the material's replacement cost, else nothing.
     * @internal called by lib_circulation at check-in only (which checked CIRC_RETURN): the application
     *           role gets no EXECUTE on it; the history is read from copy_inspections.
     */

    /**
     * The grade code a desk gave: trimmed and upper case, NULL for NULL or blank.
     * @param p_condition what the desk sent, e.g. 'damaged'
     * @return condition_grades.code, NULL when none was given
     * @throws -20174 CONDITION_GRADE_NOT_FOUND not a grade
     */
    FUNCTION grade_of(p_condition IN VARCHAR2) RETURN VARCHAR2;

    /**
     * Record the condition of a copy checked in, the copy row locked by the caller. With a grade: a
     * copy_inspections row (the actor, now), the DAMAGE charge and the repair as the grade's flags say.
     * The note (or, with none, nothing) also becomes copies.condition_note. Without a grade and without a
     * note nothing is recorded.
     * @param p_copy_id   copies.copy_id
     * @param p_loan_id   the loan being closed, NULL = none (no charge then)
     * @param p_condition the grade code (as grade_of takes it), NULL = not graded
     * @param p_note      free text, NULL or blank = none
     * @param p_to_repair OUT 1 when the copy is now IN_REPAIR (the caller does not shelve it nor offer
     *                    it to the holds), else 0
     * @throws -20174 CONDITION_GRADE_NOT_FOUND
     */
    PROCEDURE record_checkin(p_copy_id IN NUMBER, p_loan_id IN NUMBER, p_condition IN VARCHAR2, p_note IN VARCHAR2,
                             p_to_repair OUT NUMBER);
END lib_inspections;
/
