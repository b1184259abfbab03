CREATE OR REPLACE PACKAGE lib_fines_core AS
    /**
     * The fine charges no user asks for directly: the nightly accrual (lib_jobs) and the charges and
     * settlements of check-in, renewal and loss (lib_circulation). The rules of an overdue charge are
     * lib_fines' (see its spec); the routines here check no permission, the calling procedure has made
     * the check.
     * @internal called only by the other packages and the jobs: the application role gets no EXECUTE on it
     *           (accrue_overdue takes any as-of date, so a direct caller could charge fines early).
     */

    /**
     * The loan's OVERDUE fine amount as of p_as_of given its current fine row (read only; lib_fines.
     * overdue_charge shows it, charge_overdue stores it). Never below what has been paid, nor below 0.
     * @param p_loan_id         loans.loan_id
     * @param p_as_of           the assumed return time (UTC)
     * @param p_fine_id         the loan's OVERDUE fine, NULL = none yet
     * @param p_amount          its amount (ignored when p_fine_id is NULL)
     * @param p_amount_paid     its amount_paid
     * @param p_accrued_through its accrued_through
     * @param p_assessed_at     its assessed_at
     * @return the amount, rounded to cents
     * @throws -20101 LOAN_NOT_FOUND
     */
    FUNCTION target_amount(p_loan_id IN NUMBER, p_as_of IN DATE, p_fine_id IN NUMBER, p_amount IN NUMBER,
                           p_amount_paid IN NUMBER, p_accrued_through IN DATE, p_assessed_at IN DATE)
        RETURN NUMBER;

    /**
     * Nightly job: bring every overdue ACTIVE loan's OVERDUE fine up to p_as_of in one set-based
     * MERGE (inserts the missing rows, updates the others). Loans whose fine is already accrued
     * through the as-of day or later, and WAIVED or REFUNDED fines, are left alone, so a second
     * run for the same day changes nothing. Amounts never decrease here. A fine changed by another
     * transaction (return, renewal, waiver) while this statement waited for it keeps that change.
     * @param p_as_of the job's time in UTC, NULL = now. Loans due before the library day of p_as_of are
     *                overdue; fines are charged through that day.
     * @param p_rows  OUT number of fine rows inserted or updated (a row kept as another transaction
     *                left it counts too)
     */
    PROCEDURE accrue_overdue(p_as_of IN DATE, p_rows OUT NUMBER);

    /**
     * For lib_circulation (check-in, renewal of an overdue loan, lost): recompute the loan's
     * OVERDUE fine as of p_as_of, creating it when it does not exist and is due, or lowering it for
     * a back-dated return. A fine recomputed to nothing with nothing paid is closed as WAIVED with
     * a reason. No permission check: the calling procedure has made it.
     * @param p_loan_id loans.loan_id
     * @param p_as_of   the return (or renewal) time (UTC)
     * @param p_fine_id OUT the OVERDUE fine now owed for the loan, NULL = none
     * @param p_amount  OUT its amount, 0 when none
     * @throws -20101 LOAN_NOT_FOUND
     */
    PROCEDURE charge_overdue(p_loan_id IN NUMBER, p_as_of IN DATE, p_fine_id OUT NUMBER, p_amount OUT NUMBER);

    /**
     * For lib_circulation.mark_lost: the LOST charge of the loan at the material's replacement
     * cost. A loan has at most one LOST fine: an existing one is returned unchanged.
     * @param p_loan_id loans.loan_id
     * @param p_fine_id OUT the LOST fine, NULL when the replacement cost is 0
     * @throws -20101 LOAN_NOT_FOUND
     */
    PROCEDURE charge_lost(p_loan_id IN NUMBER, p_fine_id OUT NUMBER);

    /**
     * For lib_circulation check-in of a lost copy that came back. When the loan's policy says
     * lost_refund = 'Y', the loan's LOST fine is closed: with nothing paid it becomes WAIVED
     * (reason 'Lost copy returned'), with something paid it becomes REFUNDED and the paid amount staff
     * have not refunded yet (lib_fines.refund) is paid back as a payments row with method REFUND, unless the setting LOST_REFUND_PAID is 0: then the
     * paid part is kept and the charge ends at it (PAID, the unpaid rest dropped). With lost_refund = 'N'
     * the charge stands.
     * @param p_loan_id       loans.loan_id
     * @param p_refund_amount OUT money paid back to the patron, 0 when none
     */
    PROCEDURE settle_lost_return(p_loan_id IN NUMBER, p_refund_amount OUT NUMBER);
END lib_fines_core;
/
