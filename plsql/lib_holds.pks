CREATE OR REPLACE PACKAGE lib_holds AS
    /**
     * Holds (reservations) on titles and the queue that fills them, in placement order
     * (placed_at, then hold_id).
     *
     * Life of a hold: PENDING in the queue (SUSPENDED while paused until suspended_until) ->
     * a returned copy is trapped for it: READY on the hold shelf of the pickup branch with a pickup
     * deadline (expires_at), or, when the copy came back at another branch, still PENDING with
     * copy_id set while the copy is IN_TRANSIT to the pickup branch -> FULFILLED by the checkout,
     * or CANCELLED, or EXPIRED when not collected in time (the copy then goes to the next hold).
     *
     * Placing a hold while a copy stands AVAILABLE on a shelf does not trap that copy: the hold
     * queues, the copy stays AVAILABLE (it appears on the pull list of PENDING holds with an
     * available copy), and it is trapped when staff capture it (trap_copy) or when the patron takes
     * it to the desk (lib_holds_core.on_checkout fulfils the PENDING hold). A copy on the open shelf is never shown
     * as READY before anyone has pulled it.
     *
     * Staff actions need HOLD_MANAGE; a patron may act on their own holds (the actor is the user
     * linked to the patron); system work with no actor (a job) passes.
     */

    /**
     * Place a hold for a patron on a title.
     * @param p_patron_id        patrons.patron_id
     * @param p_material_id      materials.material_id
     * @param p_pickup_branch_id NULL = the patron's home branch
     * @param p_hold_id          OUT the new holds.hold_id
     * @param p_queue_position   OUT its place in the queue (1 = next to be filled)
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20402 PATRON_SUSPENDED
     * @throws -20403 PATRON_EXPIRED
     * @throws -20404 PATRON_INACTIVE
     * @throws -20405 PATRON_FINES_OVER_LIMIT balance above 0 and at or above the policy's fine_block_threshold
     *                                        (as at checkout)
     * @throws -20411 PERMISSION_DENIED neither the patron nor staff with HOLD_MANAGE
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20308 PICKUP_BRANCH_INVALID
     * @throws -20114 NO_CIRC_POLICY
     * @throws -20305 MATERIAL_NOT_HOLDABLE
     * @throws -20304 HOLD_ON_LOANED_MATERIAL
     * @throws -20302 HOLD_ALREADY_EXISTS
     * @throws -20303 HOLD_LIMIT_REACHED open holds reach the policy's hold_limit
     */
    PROCEDURE place(p_patron_id IN NUMBER, p_material_id IN NUMBER, p_pickup_branch_id IN NUMBER,
                    p_hold_id OUT NUMBER, p_queue_position OUT NUMBER);

    /**
     * Cancel an open hold (staff, or the patron themself). The copy of a READY hold goes to the next
     * hold in the queue or back to AVAILABLE; a copy in transit for the hold stays IN_TRANSIT and
     * is re-routed when it is checked in.
     * @param p_hold_id holds.hold_id
     * @param p_reason  kept in close_reason, NULL = 'Cancelled'
     * @throws -20301 HOLD_NOT_FOUND
     * @throws -20306 HOLD_NOT_ACTIVE
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE cancel(p_hold_id IN NUMBER, p_reason IN VARCHAR2);

    /**
     * Portal: a patron cancels one of their own holds (DELETE /api/patron/me/holds/{id}).
     * @param p_patron_id the patron of the token
     * @param p_hold_id   holds.hold_id
     * @throws -20301 HOLD_NOT_FOUND also when the hold is another patron's
     * @throws -20306 HOLD_NOT_ACTIVE
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE cancel_own(p_patron_id IN NUMBER, p_hold_id IN NUMBER);

    /**
     * Pause a PENDING hold until a date: it keeps its place but is skipped until then.
     * Suspending a SUSPENDED hold moves the date.
     * @param p_hold_id holds.hold_id
     * @param p_until   a future date and time (UTC)
     * @throws -20301 HOLD_NOT_FOUND
     * @throws -20306 HOLD_NOT_ACTIVE
     * @throws -20309 HOLD_ALREADY_TRAPPED a copy is already trapped for it
     * @throws -20411 PERMISSION_DENIED
     * @throws -20903 INVALID_ARGUMENT p_until NULL or not in the future
     */
    PROCEDURE suspend(p_hold_id IN NUMBER, p_until IN DATE);

    /**
     * Resume a SUSPENDED hold now (status PENDING, suspended_until cleared).
     * @param p_hold_id holds.hold_id
     * @throws -20301 HOLD_NOT_FOUND
     * @throws -20307 HOLD_NOT_SUSPENDED
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE resume(p_hold_id IN NUMBER);

    /**
     * Nightly job: READY holds whose expires_at is before p_as_of become EXPIRED and their copies go
     * to the next hold in the queue, or back to AVAILABLE. Needs HOLD_MANAGE (the job, with no actor, passes).
     * A hold whose copy a desk holds at that moment (the patron collecting it) is skipped, not waited
     * for: the next run sees it again.
     * @param p_as_of the job's time in UTC (lib_jobs passes the start of its library day), NULL = now
     * @param p_rows  OUT number of holds expired
     */
    PROCEDURE expire_unclaimed(p_as_of IN DATE, p_rows OUT NUMBER);

    /**
     * Place in the queue of the title among open holds (PENDING, SUSPENDED, READY) in placement
     * order, as hold_queue_v.queue_position.
     * @param p_hold_id holds.hold_id
     * @return 1 = first, NULL when the hold is closed
     * @throws -20301 HOLD_NOT_FOUND
     */
    FUNCTION queue_position(p_hold_id IN NUMBER) RETURN NUMBER;

    /**
     * For checkout: who a copy is trapped for.
     * @param p_copy_id copies.copy_id
     * @return patron_id of the hold trapping the copy (READY on the hold shelf, or PENDING with the
     *         copy in transit to the pickup branch), else NULL
     */
    FUNCTION copy_reserved_for(p_copy_id IN NUMBER) RETURN NUMBER;

    /**
     * Staff capture of an AVAILABLE copy pulled from the shelf for the queue (the pull list).
     * Same trapping as lib_holds_core.on_checkin. Needs HOLD_MANAGE.
     * @param p_copy_id   an AVAILABLE copy
     * @param p_branch_id branch where staff hold the copy
     * @param p_hold_id   OUT the hold trapped, NULL = no eligible hold (the copy stays AVAILABLE)
     * @throws -20102 COPY_NOT_FOUND
     * @throws -20104 COPY_NOT_AVAILABLE
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE trap_copy(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_hold_id OUT NUMBER);

    /**
     * For renewal: whether another patron waits for the title of the loan.
     * @param p_loan_id loans.loan_id
     * @return 1 when other patrons' untrapped, unsuspended PENDING holds on the title outnumber its
     *         AVAILABLE copies, else 0
     */
    FUNCTION blocks_renewal(p_loan_id IN NUMBER) RETURN NUMBER;
END lib_holds;
/
