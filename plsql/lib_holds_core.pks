CREATE OR REPLACE PACKAGE lib_holds_core AS
    /**
     * The hold queue machinery: trapping a copy for the next hold, passing a copy on, and the queue's
     * part in checkout, check-in and a copy leaving circulation. The queue rules are lib_holds' (see its
     * spec); the routines here check no permission, the calling procedure has made the check. Locks are
     * taken copy first, then hold, as everywhere.
     * @internal called only by the other packages: the application role gets no EXECUTE on it (a direct
     *           caller could fulfil, trap or release holds without HOLD_MANAGE).
     */

    /**
     * Trap the copy for the first eligible PENDING hold on its title (as on_checkin describes): READY on
     * the hold shelf when p_at_branch_id is the pickup branch, else PENDING with the copy IN_TRANSIT.
     * Ended suspensions of the title end first.
     * @param p_copy_id      copies.copy_id
     * @param p_at_branch_id branch where the copy is
     * @return the hold trapped, NULL = no eligible hold (the copy's status is then the caller's)
     */
    FUNCTION trap_next(p_copy_id IN copies.copy_id%TYPE, p_at_branch_id IN branches.branch_id%TYPE)
        RETURN NUMBER;

    /**
     * A copy that was on the hold shelf goes to the next hold (trap_next), or back to AVAILABLE.
     * @param p_copy_id      copies.copy_id
     * @param p_at_branch_id branch where the copy is
     */
    PROCEDURE pass_on(p_copy_id IN copies.copy_id%TYPE, p_at_branch_id IN branches.branch_id%TYPE);

    /**
     * Expire a READY hold not collected by its pickup deadline (the hold-expiry job's step, and check-in's for a
     * copy scanned after the deadline): EXPIRED only as the hold is now, still READY with p_copy_id and
     * expires_at before p_as_of, and a HOLD_EXPIRED notice. The copy is the caller's (locked by it, then
     * passed on or routed).
     * @param p_hold_id holds.hold_id
     * @param p_copy_id the copy on its hold shelf
     * @param p_as_of   the moment in UTC the deadline is compared with
     * @return 1 = expired, 0 = not (collected, cancelled or not yet due meanwhile)
     */
    FUNCTION expire_ready(p_hold_id IN holds.hold_id%TYPE, p_copy_id IN copies.copy_id%TYPE, p_as_of IN DATE)
        RETURN NUMBER;

    /**
     * Lock a copy row (no row, no lock).
     * @param p_copy_id copies.copy_id
     * @param p_wait    0 = do not wait for another session's lock, fail at once (ORA-00054 / SQLSTATE
     *                  55P03, a retryable conflict for the API): for a caller that already holds a hold,
     *                  where waiting would invert the lock order; else wait
     */
    PROCEDURE lock_copy(p_copy_id IN copies.copy_id%TYPE, p_wait IN NUMBER);

    /**
     * For checkout, after the loan row exists: close the hold the loan fills. In this order: the
     * patron's hold trapping this copy; else their READY hold on another copy of the title (that
     * copy goes to the next hold or back to AVAILABLE); else their PENDING or SUSPENDED hold on the
     * title (a walk-in who found the copy on the shelf). The hold becomes FULFILLED with loan_id.
     * Nothing happens when the patron has no open hold on the title.
     * @param p_patron_id the borrower
     * @param p_copy_id   the copy lent
     * @param p_loan_id   the new loans.loan_id
     */
    PROCEDURE on_checkout(p_patron_id IN NUMBER, p_copy_id IN NUMBER, p_loan_id IN NUMBER);

    /**
     * For check-in, after the loan is closed (or when an IN_TRANSIT copy arrives): trap the copy.
     * A hold already trapping the copy (in transit) becomes READY when p_branch_id is its pickup
     * branch. A READY hold's copy scanned at another branch than the pickup branch stays trapped for it
     * and goes back in transit (PENDING with copy_id, ready_at and expires_at cleared: the shelf time starts
     * again when it arrives); scanned at the pickup branch nothing changes. A READY hold whose pickup deadline has
     * passed (not yet seen by the expiry job) is expired now, as the job would (expire_ready), wherever the copy
     * is scanned, and the copy is trapped or routed as any returned copy. Otherwise the first eligible PENDING hold on the title in placement order (not
     * suspended or suspension over, patron ACTIVE and card not expired) is trapped: READY with the
     * copy ON_HOLD_SHELF when p_branch_id is the pickup branch (expires_at = end of the first open
     * library day of the pickup branch on or after today + the policy's hold_pickup_days, in UTC),
     * else PENDING with copy_id set and the copy IN_TRANSIT. Hold rows are locked and re-checked, so
     * two concurrent returns never trap two copies for one hold.
     * @param p_copy_id   copies.copy_id being checked in
     * @param p_branch_id branch where it is checked in
     * @param p_hold_id   OUT the hold the copy is now trapped for, NULL = none (the caller makes the
     *                    copy AVAILABLE)
     */
    PROCEDURE on_checkin(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_hold_id OUT NUMBER);

    /**
     * A copy leaves circulation (withdrawn, lost, damaged): the hold it was trapped for goes back to
     * the queue as PENDING without a copy, keeping its place. The copy's status is the caller's.
     * @param p_copy_id copies.copy_id
     */
    PROCEDURE release_copy(p_copy_id IN NUMBER);

    /**
     * A copy leaves circulation for good or until found (declared lost, withdrawn): the hold it was trapped
     * for goes back to the queue (release_copy) and its open transit ends as cancelled (cancelled_at, by the
     * actor, cancel_reason), so it is no longer listed as on its way. The copy's status is the caller's.
     * @param p_copy_id copies.copy_id
     * @param p_reason  transits.cancel_reason: LOST or WITHDRAWN
     */
    PROCEDURE leave_circulation(p_copy_id IN NUMBER, p_reason IN VARCHAR2);
END lib_holds_core;
/
