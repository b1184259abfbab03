CREATE OR REPLACE PACKAGE lib_fines AS
    /**
     * Fines and payments: overdue charges (nightly accrual and at check-in), lost-copy charges,
     * payments, waivers and manual charges.
     *
     * Overdue charge of a loan (one OVERDUE fine row per loan, fines_loan_charge_uk):
     *   days overdue   = as_of day - due day when the as_of day is after the due day, else 0
     *   chargeable     = days overdue - closed days (and weekly closures) of the loan's branch in (due day, as_of day]
     *                    - policy grace_days, not below 0
     *   amount         = LEAST(policy max_fine, policy daily_fine * chargeable), rounded to cents; with the
     *                    policy's cap_fine_to_price = 'Y' the material's replacement_cost caps it too
     * Days are the library's calendar days (lib_clock: LIBRARY_TIME_ZONE) on which due_at and the as-of
     * time (UTC instants) fall. accrued_through is the library day up to which the row has been charged.
     * Money becomes text only through money_text.
     *
     * Renewing an overdue loan (Koha behaviour): the overdue charge up to the renewal is charged
     * then and stays. If the renewed loan becomes overdue again, the new period's charge is added
     * to the same row, the total capped by max_fine. The row is then moved by the difference of the
     * current period's charge between accrued_through and the new as-of day.
     *
     * An OVERDUE fine that staff WAIVED is final: no more overdue charge for that loan. A PAID
     * overdue fine that grows again (the loan is still out) becomes OPEN again.
     * An amount never drops below what has been paid: a back-dated return that would lower a fine
     * under its paid amount sets it to the paid amount (no automatic refund).
     *
     * Balance = sum of (amount - amount_paid) over the patron's OPEN fines.
     * A refund pays back money paid on a fine: a payments row with method REFUND (as the refund of a lost
     * copy returned, lib_fines_core.settle_lost_return). It lowers the charge and what was paid on it by
     * the same amount, so amount and amount_paid stay as they are and what is owed does not change. Once all
     * that was paid is refunded, a fine that owes nothing (PAID or WAIVED) becomes REFUNDED, final like a
     * waiver (no more overdue charge for the loan); an OPEN fine stays OPEN for its unpaid rest.
     * Permissions: pay and pay_all need FINE_COLLECT, waive and refund need FINE_WAIVE, add_charge needs
     * FINE_COLLECT. The nightly accrual and the charges lib_circulation makes are in lib_fines_core.
     */

    /**
     * Outstanding balance of a patron.
     * @param p_patron_id patrons.patron_id
     * @return sum of amount - amount_paid over the patron's OPEN fines, 0 when none
     */
    FUNCTION balance(p_patron_id IN NUMBER) RETURN fines.amount%TYPE;

    /**
     * The fine block of checkout, renewal and hold placement, in one place: a patron owing anything at
     * or above the policy's threshold may not borrow.
     * @param p_patron_id patrons.patron_id
     * @param p_threshold circ_policies.fine_block_threshold
     * @return the balance when it blocks, else 0
     */
    FUNCTION blocking_balance(p_patron_id IN NUMBER,
                              p_threshold IN circ_policies.fine_block_threshold%TYPE) RETURN fines.amount%TYPE;

    /**
     * A money amount as text, the same on both engines (TO_CHAR without a format model gives '.25'
     * and '10' on Oracle, '0.25' and '10' with orafce): two decimals and a leading zero, e.g. '10.00',
     * '0.25', '-3.10'. An amount with more decimals (a refused input) keeps them all: '0.001'.
     * @param p_amount the amount
     * @return the text, NULL when p_amount is NULL
     */
    FUNCTION money_text(p_amount IN fines.amount%TYPE) RETURN VARCHAR2;

    /**
     * What the loan's OVERDUE fine would amount to if the loan were returned at p_as_of
     * (read only, for the desk and the portal).
     * @param p_loan_id loans.loan_id
     * @param p_as_of   the assumed return time (UTC)
     * @return the total overdue charge of the loan, 0 when none
     * @throws -20101 LOAN_NOT_FOUND
     */
    FUNCTION overdue_charge(p_loan_id IN NUMBER, p_as_of IN DATE) RETURN fines.amount%TYPE;

    /**
     * Take a payment against one fine. Partial payments are allowed, the fine becomes PAID when
     * fully paid. Every payment is one payments row. Needs FINE_COLLECT.
     * @param p_fine_id    fines.fine_id
     * @param p_amount     positive, at most two decimals, not above what is owed on the fine
     * @param p_method     CASH, CARD, CHECK or ONLINE
     * @param p_note       receipt number or remark, NULL = none
     * @param p_payment_id OUT the new payments.payment_id
     * @param p_balance    OUT what is still owed on this fine
     * @param p_amount_paid OUT what has been paid on this fine in all, this payment included
     * @param p_status     OUT the fine's status now: PAID when nothing is owed any more, else OPEN
     * @throws -20411 PERMISSION_DENIED
     * @throws -20201 FINE_NOT_FOUND
     * @throws -20202 FINE_NOT_OPEN
     * @throws -20204 INVALID_PAYMENT_AMOUNT
     * @throws -20205 INVALID_PAYMENT_METHOD
     * @throws -20203 PAYMENT_EXCEEDS_BALANCE
     */
    PROCEDURE pay(p_fine_id IN NUMBER, p_amount IN payments.amount%TYPE, p_method IN VARCHAR2, p_note IN VARCHAR2,
                  p_payment_id OUT NUMBER, p_balance OUT fines.amount%TYPE,
                  p_amount_paid OUT fines.amount_paid%TYPE, p_status OUT fines.status%TYPE);

    /**
     * Take one payment towards a patron's whole balance: applied to the OPEN fines oldest first
     * (one payments row per fine touched). Needs FINE_COLLECT.
     * @param p_patron_id patrons.patron_id
     * @param p_amount    positive, at most two decimals, not above the balance
     * @param p_method    CASH, CARD, CHECK or ONLINE
     * @param p_note      receipt number or remark, NULL = none
     * @param p_payments  OUT number of payments rows written
     * @param p_balance   OUT the patron's balance afterwards
     * @throws -20411 PERMISSION_DENIED
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20204 INVALID_PAYMENT_AMOUNT
     * @throws -20205 INVALID_PAYMENT_METHOD
     * @throws -20203 PAYMENT_EXCEEDS_BALANCE
     */
    PROCEDURE pay_all(p_patron_id IN NUMBER, p_amount IN payments.amount%TYPE, p_method IN VARCHAR2, p_note IN VARCHAR2,
                      p_payments OUT NUMBER, p_balance OUT fines.amount%TYPE);

    /**
     * Waive (forgive) what is still owed on an OPEN fine. Needs FINE_WAIVE for the fine's branch: the
     * branch of its loan, or for a charge without a loan the patron's home branch (a branch manager
     * holds FINE_WAIVE for their home branch only: lib_auth.has_permission_at). waived_by is the actor.
     * @param p_fine_id fines.fine_id
     * @param p_reason  why, required (not blank)
     * @throws -20411 PERMISSION_DENIED
     * @throws -20206 WAIVE_REASON_REQUIRED
     * @throws -20201 FINE_NOT_FOUND
     * @throws -20453 OUTSIDE_HOME_BRANCH the actor may waive fines of their home branch only, not this one's
     * @throws -20202 FINE_NOT_OPEN
     */
    PROCEDURE waive(p_fine_id IN NUMBER, p_reason IN VARCHAR2);

    /**
     * Refund (pay back) all or part of what was paid on one fine: one payments row with method REFUND,
     * the reason as its note and the way the money goes back as its refund_method. Needs FINE_WAIVE for
     * the fine's branch, as waive does. The fine row is locked first: two refunds at once never pay back
     * more than was paid.
     * @param p_fine_id    fines.fine_id
     * @param p_amount     positive, at most two decimals, not above what was paid and not yet refunded
     * @param p_method     how the money goes back: a way a patron pays (payment_methods.is_tender), e.g. CASH
     * @param p_reason     why, required (not blank); kept trimmed
     * @param p_refund_id  OUT the new payments.payment_id
     * @param p_refunded   OUT all that has been refunded on this fine, this refund included
     * @param p_refundable OUT what may still be refunded on this fine
     * @param p_balance    OUT what is still owed on this fine (0 unless it is OPEN)
     * @param p_status     OUT the fine's status now: REFUNDED when all that was paid is refunded and nothing
     *                     is owed, else as it was
     * @throws -20411 PERMISSION_DENIED
     * @throws -20604 REFUND_REASON_REQUIRED
     * @throws -20201 FINE_NOT_FOUND
     * @throws -20453 OUTSIDE_HOME_BRANCH the actor may refund fines of their home branch only, not this one's
     * @throws -20600 INVALID_REFUND_AMOUNT
     * @throws -20205 INVALID_PAYMENT_METHOD
     * @throws -20602 FINE_NOT_PAID nothing was paid on the fine
     * @throws -20603 FINE_ALREADY_REFUNDED all that was paid has been refunded
     * @throws -20601 REFUND_EXCEEDS_PAID
     */
    PROCEDURE refund(p_fine_id IN NUMBER, p_amount IN payments.amount%TYPE, p_method IN VARCHAR2,
                     p_reason IN VARCHAR2, p_refund_id OUT NUMBER, p_refunded OUT fines.amount%TYPE,
                     p_refundable OUT fines.amount%TYPE, p_balance OUT fines.amount%TYPE,
                     p_status OUT fines.status%TYPE);

    /**
     * Charge a patron by hand: damage, processing fee or another manual charge. Needs FINE_COLLECT.
     * @param p_patron_id   patrons.patron_id
     * @param p_loan_id     loan the charge relates to (must be the patron's), NULL = none
     * @param p_fine_type   DAMAGE, PROCESSING or MANUAL
     * @param p_amount      positive, at most two decimals
     * @param p_description what the charge is for
     * @param p_fine_id     OUT the new fines.fine_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20903 INVALID_ARGUMENT fine type not DAMAGE, PROCESSING or MANUAL
     * @throws -20207 INVALID_FINE_AMOUNT
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20101 LOAN_NOT_FOUND also when the loan is another patron's
     */
    PROCEDURE add_charge(p_patron_id IN NUMBER, p_loan_id IN NUMBER, p_fine_type IN VARCHAR2,
                         p_amount IN fines.amount%TYPE, p_description IN VARCHAR2, p_fine_id OUT NUMBER);
END lib_fines;
/
