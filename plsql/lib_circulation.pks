CREATE OR REPLACE PACKAGE lib_circulation AS
    /**
     * The circulation desk: checkout, check-in, renewal and lost copies.
     *
     * Checkout rules (Evergreen-style fail parts, each an app_errors name; which ones CIRC_OVERRIDE may pass
     * is app_errors.overridable, the patron's part is lib_patrons.standing, a copy's status's refusal
     * copy_statuses.checkout_refusal):
     *   never overridable: PATRON_NOT_FOUND, COPY_NOT_FOUND, PATRON_INACTIVE (record DELETED),
     *     PATRON_SUSPENDED and PATRON_BORROWING_SUSPENDED (lifting a suspension is PATRON_SUSPEND's job,
     *     not an override),
     *     COPY_LOST_OR_WITHDRAWN, COPY_ALREADY_ON_LOAN, COPY_NOT_AVAILABLE (DAMAGED, or IN_TRANSIT
     *     not trapped for this patron), NO_CIRC_POLICY
     *   overridable with CIRC_OVERRIDE: PATRON_EXPIRED (status EXPIRED or expires_on before today),
     *     PATRON_FINES_OVER_LIMIT (balance above 0 and at or above the policy's fine_block_threshold),
     *     LOAN_LIMIT_REACHED (ACTIVE loans at or above loan_limit), COPY_ON_HOLD_FOR_OTHER (the copy
     *     is trapped for another patron's hold, which then goes back to the queue), PATRON_OVERDUE_LIMIT
     *     (lib_policy.checkout_refusals: the policy's max_overdue_loans)
     * A copy ON_HOLD_SHELF or IN_TRANSIT trapped for this patron may be lent to them: the hold is
     * fulfilled. The policy is lib_policy.policy_for(copy's branch, patron's category, material type).
     * The loan's branch is the copy's branch. Due date: today + loan_days, moved forward past the
     * branch's closed days, at 23:59:59, capped by the card's expiry when DUE_DATE_BEFORE_EXPIRY says so
     * (lib_policy.loan_due_at).
     *
     * Refusals list every failing rule: the error raised is the first one's, its message ends with
     * [reasons=NAME/Y,NAME/N] naming them all in order (Y = an override may pass it), read by the faces.
     *
     * Check-in closes the loan, charges the overdue fine as of the return time (lib_fines), suspends a
     * late patron as the policy says (lib_policy.suspend_for_late_return), records the condition grade
     * (lib_inspections: a grade that sends to repair makes the copy IN_REPAIR, neither routed nor trapped
     * for a hold, and may charge damage), then routes the copy: an open transit of it ends; the hold queue may trap it
     * (lib_holds_core.on_checkin: READY here, or IN_TRANSIT to the hold's pickup branch, with a transits
     * row, reason HOLD); a copy no hold wants is AVAILABLE at its home branch or, checked in elsewhere,
     * IN_TRANSIT home (transits row, reason HOME: no floating collection). A copy with no open loan checks in
     * too (check in anything) and is routed the same way when it is on a shelf, a hold shelf or in transit
     * (copy_statuses.is_available, is_hold_trap), or found after it was declared lost with no loan (mark_copy_lost);
     * a damaged or withdrawn copy with no loan is left as it is. A copy on the hold shelf scanned at another
     * branch than its hold's pickup branch stays trapped for the hold and goes IN_TRANSIT back there (the hold
     * PENDING again, its shelf time starting when it arrives: Koha, Evergreen); at the pickup branch nothing changes.
     * Past the hold's pickup deadline (the expiry job not yet run) the hold expires at the scan instead, as the job
     * would expire it, and the copy is routed as any other.
     * A copy declared lost (mark_lost, mark_copy_lost) or withdrawn (lib_catalog.withdraw_copy) on its way has its
     * open transit cancelled (transits.cancelled_at, cancel_reason; lib_holds_core.leave_circulation).
     * A LOST loan whose copy comes back is RETURNED, its LOST charge is settled per policy
     * (lib_fines_core.settle_lost_return) and its overdue fine stops at loans.lost_at (Koha bug 22877).
     * The branch of a check-in, NULL = the copy's home branch.
     *
     * Renewal: refused for blocked patrons (lib_patrons.standing with the loan's policy), at the renewal limit,
     * when another patron's hold needs the copy, by the peers' rules (lib_policy.renewal_refusal: overdue loans,
     * too early), or when it would not move the due date (RENEWAL_TOO_SOON, e.g. on the day of checkout; not
     * counted). The desk's renewal (renew_desk) may override the overridable reasons as checkout does
     * (app_errors.overridable: RENEWAL_LIMIT_REACHED, RENEWAL_BLOCKED_BY_HOLD, RENEWAL_BLOCKED_BY_OVERDUE,
     * RENEWAL_TOO_EARLY, PATRON_EXPIRED, PATRON_FINES_OVER_LIMIT; never RENEWAL_TOO_SOON). An overdue loan may be renewed: its overdue fine up to now
     * is charged and stays (Koha). New due date: loan_days from today (or, with renew_from_due = 'Y', from
     * the later of the old due date and today), past closed days, capped by the card's expiry
     * (lib_policy.loan_due_at).
     *
     * Locks: the copy row first, then the patron or the loan, so two desks never lend one copy twice
     * and a patron's loan limit holds under concurrency. Nothing here commits.
     */

    /**
     * Every reason a checkout would be refused now, without changing or locking anything.
     * @param p_patron_id patrons.patron_id
     * @param p_copy_id   copies.copy_id
     * @return comma-separated app_errors names in the order checkout reports them
     *         (never-overridable reasons first), e.g. 'PATRON_EXPIRED,LOAN_LIMIT_REACHED',
     *         NULL when the checkout is allowed
     */
    FUNCTION checkout_permit(p_patron_id IN NUMBER, p_copy_id IN NUMBER) RETURN VARCHAR2;

    /**
     * Lend a copy to a patron. Needs CIRC_CHECKOUT, and CIRC_OVERRIDE to override.
     * @param p_patron_id patrons.patron_id
     * @param p_copy_id   copies.copy_id
     * @param p_due_date  due date chosen at the desk, NULL = per policy. Must be in the future and at
     *                    most 366 days ahead (a typo such as 2062 for 2026 is refused). A date
     *                    without a time (midnight) means the end of that day. Taken as given
     *                    (not moved past closed days).
     * @param p_override  'Y' = pass the overridable reasons p_override_codes names when the actor holds
     *                    CIRC_OVERRIDE (system work with no actor may too), audited as OVERRIDE with the
     *                    reasons passed and the note, and loans.overridden = 'Y'. A failing overridable reason
     *                    it does not name refuses the checkout (every reason listed). 'N' or NULL = no
     *                    override. 'Y' when nothing fails is a plain checkout.
     * @param p_override_codes the overridable app_errors names the override passes, comma-separated (the
     *                    reasons the desk showed and the manager confirmed)
     * @param p_override_note  why: required (not blank) with p_override 'Y'
     * @param p_loan_id   OUT the new loans.loan_id
     * @param p_due_at    OUT its due date and time
     * @throws -20411 PERMISSION_DENIED no CIRC_CHECKOUT
     * @throws -20111 INVALID_DUE_DATE
     * @throws -20903 INVALID_ARGUMENT p_override not Y, N or NULL
     * @throws -20150 OVERRIDE_NOTE_REQUIRED p_override 'Y' with a blank note
     * @throws -20113 OVERRIDE_NOT_PERMITTED override asked without CIRC_OVERRIDE
     * @throws -20401 PATRON_NOT_FOUND, -20102 COPY_NOT_FOUND, -20404 PATRON_INACTIVE,
     *         -20402 PATRON_SUSPENDED, -20106 COPY_LOST_OR_WITHDRAWN, -20103 COPY_ALREADY_ON_LOAN,
     *         -20104 COPY_NOT_AVAILABLE, -20114 NO_CIRC_POLICY, -20403 PATRON_EXPIRED,
     *         -20405 PATRON_FINES_OVER_LIMIT, -20107 LOAN_LIMIT_REACHED, -20105 COPY_ON_HOLD_FOR_OTHER:
     *         the first failing reason, in the order of checkout_permit
     */
    PROCEDURE checkout(p_patron_id IN NUMBER, p_copy_id IN NUMBER, p_due_date IN DATE, p_override IN VARCHAR2,
                       p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2,
                       p_loan_id OUT NUMBER, p_due_at OUT DATE);

    /**
     * checkout by the scanned card number and copy barcode.
     * @param p_card_number  patrons.card_number
     * @param p_copy_barcode copies.barcode
     * @param p_due_date     as checkout
     * @param p_override     as checkout
     * @param p_override_codes as checkout
     * @param p_override_note  as checkout
     * @param p_loan_id      OUT the new loans.loan_id
     * @param p_due_at       OUT its due date and time
     * @throws -20401 PATRON_NOT_FOUND no patron with this card
     * @throws -20102 COPY_NOT_FOUND no copy with this barcode
     * @throws every error of checkout
     */
    PROCEDURE checkout_by_barcode(p_card_number IN VARCHAR2, p_copy_barcode IN VARCHAR2, p_due_date IN DATE,
                                  p_override IN VARCHAR2, p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2,
                                  p_loan_id OUT NUMBER, p_due_at OUT DATE);

    /**
     * The desk's checkout (API and staff UI): the patron by id or by card, the copy by id or by barcode,
     * and the whole answer in the OUT parameters, so the caller reads nothing after the call.
     * @param p_patron_id      patrons.patron_id, NULL when p_card_number is given
     * @param p_card_number    patrons.card_number, NULL when p_patron_id is given
     * @param p_copy_id        copies.copy_id, NULL when p_copy_barcode is given
     * @param p_copy_barcode   copies.barcode, NULL when p_copy_id is given
     * @param p_due_date       as checkout
     * @param p_override       as checkout
     * @param p_override_codes as checkout
     * @param p_override_note  as checkout
     * @param p_loan_id        OUT the new loans.loan_id
     * @param p_loan_patron_id OUT the loan's patron (the card's when a card was given)
     * @param p_loan_copy_id   OUT the loan's copy (the barcode's when a barcode was given)
     * @param p_due_at         OUT its due date and time
     * @param p_overridden     OUT the overridable reasons the override passed, comma-separated app_errors
     *                         names in checkout_permit's order (audited as OVERRIDE); NULL when none
     * @throws -20903 INVALID_ARGUMENT both an id and a barcode given for one side
     * @throws -20401 PATRON_NOT_FOUND no patron with this id or card, or neither given
     * @throws -20102 COPY_NOT_FOUND no copy with this id or barcode, or neither given
     * @throws every error of checkout
     */
    PROCEDURE checkout_desk(p_patron_id IN NUMBER, p_card_number IN VARCHAR2, p_copy_id IN NUMBER,
                            p_copy_barcode IN VARCHAR2, p_due_date IN DATE, p_override IN VARCHAR2,
                            p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2,
                            p_loan_id OUT NUMBER, p_loan_patron_id OUT NUMBER, p_loan_copy_id OUT NUMBER,
                            p_due_at OUT DATE, p_overridden OUT VARCHAR2);

    /**
     * Check in a copy: closes its ACTIVE (or LOST) loan, and routes it (see the package comment). A copy
     * without such a loan checks in too, p_loan_id NULL: a transit ends, a hold traps it, or it is
     * confirmed on the shelf (or sent home). Needs CIRC_RETURN.
     * @param p_copy_id     copies.copy_id
     * @param p_branch_id   branch where the copy is checked in, NULL = the copy's home branch
     * @param p_returned_at back-dated return time (book drop), NULL = now. Between checkout and now.
     * @param p_condition   condition grade given at the desk (condition_grades.code, any case), NULL = not graded
     * @param p_loan_id     OUT the loan closed, NULL when the copy was not on loan
     * @param p_fine_id     OUT the loan's OVERDUE fine, NULL = none owed
     * @param p_fine_amount OUT its amount, 0 when none
     * @param p_hold_id     OUT the hold the copy is now trapped for, NULL = none (copy AVAILABLE, or IN_REPAIR
     *                      when the grade sends it to repair)
     * @param p_condition_note note on the condition (loans.return_condition, copies.condition_note, the
     *                      inspection's note), NULL = none
     * @throws -20411 PERMISSION_DENIED
     * @throws -20102 COPY_NOT_FOUND
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20112 INVALID_RETURN_DATE
     * @throws -20174 CONDITION_GRADE_NOT_FOUND
     */
    PROCEDURE checkin(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_returned_at IN DATE, p_condition IN VARCHAR2,
                      p_loan_id OUT NUMBER, p_fine_id OUT NUMBER, p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER,
                      p_condition_note IN VARCHAR2 DEFAULT NULL);

    /**
     * checkin by the scanned copy barcode.
     * @param p_copy_barcode copies.barcode
     * @throws -20102 COPY_NOT_FOUND no copy with this barcode
     * @throws every error of checkin
     */
    PROCEDURE checkin_by_barcode(p_copy_barcode IN VARCHAR2, p_branch_id IN NUMBER, p_returned_at IN DATE,
                                 p_condition IN VARCHAR2, p_loan_id OUT NUMBER, p_fine_id OUT NUMBER,
                                 p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER,
                                 p_condition_note IN VARCHAR2 DEFAULT NULL);

    /**
     * checkin of a given loan (ACTIVE or LOST). Parameters and results as checkin.
     * @param p_loan_id loans.loan_id
     * @throws -20101 LOAN_NOT_FOUND
     * @throws -20108 LOAN_NOT_ACTIVE the loan is already returned
     * @throws every other error of checkin
     */
    PROCEDURE checkin_loan(p_loan_id IN NUMBER, p_branch_id IN NUMBER, p_returned_at IN DATE,
                           p_condition IN VARCHAR2, p_fine_id OUT NUMBER, p_fine_amount OUT fines.amount%TYPE,
                           p_hold_id OUT NUMBER, p_condition_note IN VARCHAR2 DEFAULT NULL);

    /**
     * The desk's check-in (API and staff UI): by loan, by copy id or by copy barcode (exactly one), the
     * whole answer in the OUT parameters, so the caller reads nothing after the call. Rules as checkin
     * (a copy with no open loan: p_closed_loan_id and p_returned_out NULL).
     * @param p_loan_id        loans.loan_id (ACTIVE or LOST), or NULL
     * @param p_copy_id        copies.copy_id, or NULL
     * @param p_copy_barcode   copies.barcode, or NULL
     * @param p_branch_id      as checkin
     * @param p_returned_at    as checkin
     * @param p_condition      as checkin
     * @param p_closed_loan_id OUT the loan closed, NULL when the copy was not on loan
     * @param p_closed_copy_id OUT the copy checked in
     * @param p_returned_out   OUT the return time recorded on the loan, NULL when no loan was closed
     * @param p_fine_id        OUT the loan's OVERDUE fine, NULL = none owed
     * @param p_fine_amount    OUT its amount, 0 when none
     * @param p_hold_id        OUT the hold the copy is now trapped for, NULL = none
     * @param p_hold_patron_id OUT that hold's patron, NULL = none
     * @param p_hold_status    OUT that hold's status now: READY (on the hold shelf here) or PENDING (the copy
     *                         goes IN_TRANSIT to its pickup branch); NULL = none
     * @param p_transit_to     OUT the branch the copy is now sent to (a transits row): the hold's pickup branch
     *                         or its home branch; NULL = it stays here
     * @param p_copy_status    OUT the copy's status now (copy_statuses.code)
     * @param p_condition_note as checkin
     * @throws -20903 INVALID_ARGUMENT a loan id together with a copy id or barcode, or a copy id and a barcode
     * @throws -20102 COPY_NOT_FOUND no copy with this id or barcode, or nothing given
     * @throws every error of checkin and checkin_loan
     */
    PROCEDURE checkin_desk(p_loan_id IN NUMBER, p_copy_id IN NUMBER, p_copy_barcode IN VARCHAR2,
                           p_branch_id IN NUMBER, p_returned_at IN DATE, p_condition IN VARCHAR2,
                           p_closed_loan_id OUT NUMBER, p_closed_copy_id OUT NUMBER, p_returned_out OUT DATE,
                           p_fine_id OUT NUMBER, p_fine_amount OUT fines.amount%TYPE, p_hold_id OUT NUMBER,
                           p_hold_patron_id OUT NUMBER, p_hold_status OUT VARCHAR2, p_transit_to OUT NUMBER,
                           p_copy_status OUT VARCHAR2, p_condition_note IN VARCHAR2 DEFAULT NULL);

    /**
     * Renew a loan at the desk. Needs CIRC_RENEW.
     * @param p_loan_id  loans.loan_id
     * @param p_due_at   OUT the new due date and time
     * @param p_renewals OUT renewals done so far, this one included
     * @throws -20411 PERMISSION_DENIED
     * @throws -20101 LOAN_NOT_FOUND
     * @throws -20108 LOAN_NOT_ACTIVE returned
     * @throws -20115 LOAN_ALREADY_LOST
     * @throws -20404 PATRON_INACTIVE, -20402 PATRON_SUSPENDED, -20403 PATRON_EXPIRED,
     *         -20405 PATRON_FINES_OVER_LIMIT: the patron is blocked
     * @throws -20109 RENEWAL_LIMIT_REACHED
     * @throws -20110 RENEWAL_BLOCKED_BY_HOLD
     * @throws -20172 RENEWAL_BLOCKED_BY_OVERDUE, -20171 RENEWAL_TOO_EARLY (lib_policy.renewal_refusal)
     * @throws -20151 RENEWAL_TOO_SOON the new due date would not be later than the current one
     *         (the patron's reasons and these three: the first failing one, every one in the message)
     */
    PROCEDURE renew(p_loan_id IN NUMBER, p_due_at OUT DATE, p_renewals OUT NUMBER);

    /**
     * Patron self-renewal (portal, POST /api/patron/me/renew): as renew, for a loan of p_patron_id.
     * No CIRC_RENEW needed when the actor is the patron's own login, otherwise the actor needs
     * CIRC_RENEW (with no actor: system work only).
     * @param p_patron_id the patron of the token
     * @param p_loan_id   loans.loan_id
     * @param p_due_at    OUT the new due date and time
     * @param p_renewals  OUT renewals done so far, this one included
     * @throws -20411 PERMISSION_DENIED
     * @throws -20101 LOAN_NOT_FOUND also when the loan is another patron's
     * @throws every other error of renew
     */
    PROCEDURE renew_own(p_patron_id IN NUMBER, p_loan_id IN NUMBER, p_due_at OUT DATE, p_renewals OUT NUMBER);

    /**
     * renew by the scanned copy barcode (its ACTIVE loan). Needs CIRC_RENEW.
     * @param p_copy_barcode copies.barcode
     * @param p_loan_id      OUT the loan renewed
     * @param p_due_at       OUT the new due date and time
     * @param p_renewals     OUT renewals done so far
     * @throws -20102 COPY_NOT_FOUND
     * @throws -20108 LOAN_NOT_ACTIVE the copy is not on loan
     * @throws every other error of renew
     */
    PROCEDURE renew_by_barcode(p_copy_barcode IN VARCHAR2, p_loan_id OUT NUMBER, p_due_at OUT DATE,
                               p_renewals OUT NUMBER);

    /**
     * The desk's renewal (API and staff UI): by loan or by the copy's barcode (exactly one), with an override
     * as checkout's: the refusals app_errors.overridable marks may be passed by CIRC_OVERRIDE, named and noted.
     * Needs CIRC_RENEW, and CIRC_OVERRIDE to override.
     * @param p_loan_id         loans.loan_id, or NULL
     * @param p_copy_barcode    copies.barcode of a copy on loan, or NULL
     * @param p_override        as checkout: 'Y' passes the overridable reasons p_override_codes names, audited as
     *                          OVERRIDE on the loan with the reasons and the note; a failing reason that is not
     *                          overridable or not named refuses (every reason listed). 'N' or NULL = no override.
     * @param p_override_codes  as checkout
     * @param p_override_note   as checkout: required (not blank) with p_override 'Y'
     * @param p_renewed_loan_id OUT the loan renewed
     * @param p_due_at          OUT the new due date and time
     * @param p_renewals        OUT renewals done so far, this one included
     * @param p_overridden      OUT the reasons the override passed, comma-separated app_errors names; NULL = none
     * @throws -20903 INVALID_ARGUMENT both a loan and a barcode, or p_override not Y, N or NULL
     * @throws -20101 LOAN_NOT_FOUND no loan given, or no such loan
     * @throws -20150 OVERRIDE_NOTE_REQUIRED p_override 'Y' with a blank note
     * @throws -20113 OVERRIDE_NOT_PERMITTED override asked without CIRC_OVERRIDE
     * @throws every other error of renew and renew_by_barcode
     */
    PROCEDURE renew_desk(p_loan_id IN NUMBER, p_copy_barcode IN VARCHAR2, p_override IN VARCHAR2,
                         p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2, p_renewed_loan_id OUT NUMBER,
                         p_due_at OUT DATE, p_renewals OUT NUMBER, p_overridden OUT VARCHAR2);

    /**
     * Renew every ACTIVE loan of a patron (renew's rules, loan by loan): a refused loan is left as it is and
     * the others are renewed. Needs CIRC_RENEW, and CIRC_OVERRIDE to override. An override applies to each loan
     * as renew_desk's does: a loan whose failing reasons are all overridable and named in p_override_codes is
     * renewed (audited as OVERRIDE on the loan); any other refused loan is answered, not raised.
     * @param p_patron_id         patrons.patron_id, NULL when p_card_number is given
     * @param p_card_number       patrons.card_number, NULL when p_patron_id is given
     * @param p_override          as renew_desk: 'Y', 'N' or NULL
     * @param p_override_codes    as renew_desk
     * @param p_override_note     as renew_desk: required (not blank) with p_override 'Y'
     * @param p_renewed_patron_id OUT the patron
     * @param p_results           OUT one entry per loan in due date order, separated by ';':
     *                            loan_id|OK|new due (YYYY-MM-DD HH24:MI:SS, UTC)|renewals|overridden, or
     *                            loan_id|first reason|every reason|the overridable ones (comma-separated
     *                            app_errors names, the last field empty when none); NULL when the patron has no loan
     * @throws -20411 PERMISSION_DENIED
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20903 INVALID_ARGUMENT both an id and a card given, or p_override not Y, N or NULL
     * @throws -20150 OVERRIDE_NOTE_REQUIRED p_override 'Y' with a blank note
     * @throws -20113 OVERRIDE_NOT_PERMITTED an override needed for a loan without CIRC_OVERRIDE
     */
    PROCEDURE renew_all(p_patron_id IN NUMBER, p_card_number IN VARCHAR2, p_override IN VARCHAR2,
                        p_override_codes IN VARCHAR2, p_override_note IN VARCHAR2, p_renewed_patron_id OUT NUMBER,
                        p_results OUT VARCHAR2);

    /**
     * Declare the copy of an ACTIVE loan lost: loan LOST (lost_at now), copy LOST, a LOST fine at the material's
     * replacement cost (one per loan), the overdue fine charged up to now and kept; a transit left open on the
     * copy is cancelled (reason LOST).
     * Needs CIRC_RETURN (system work with no actor, the nightly job, passes).
     * @param p_loan_id loans.loan_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20101 LOAN_NOT_FOUND
     * @throws -20115 LOAN_ALREADY_LOST
     * @throws -20108 LOAN_NOT_ACTIVE returned
     */
    PROCEDURE mark_lost(p_loan_id IN NUMBER);

    /**
     * Declare lost a copy that is not on loan (missing in transit, or not found on the shelf): copy LOST, the
     * hold it was trapped for back to the queue, its open transit cancelled (reason LOST). Nobody is charged.
     * Checked in later, it is found and routed as any copy. Needs CIRC_RETURN.
     * @param p_copy_id      copies.copy_id, NULL when p_copy_barcode is given
     * @param p_copy_barcode copies.barcode, NULL when p_copy_id is given
     * @param p_reason       why (missing in transit, not found at inventory...), NULL or blank = none: kept in
     *                       copies.condition_note (as withdraw_copy's reason) and so in the audit row
     * @param p_lost_copy_id OUT the copy declared lost
     * @throws -20411 PERMISSION_DENIED
     * @throws -20903 INVALID_ARGUMENT both an id and a barcode given
     * @throws -20102 COPY_NOT_FOUND no copy with this id or barcode, or neither given
     * @throws -20103 COPY_ALREADY_ON_LOAN it has an open loan: declare the loan lost (mark_lost)
     * @throws -20106 COPY_LOST_OR_WITHDRAWN already lost, or withdrawn
     */
    PROCEDURE mark_copy_lost(p_copy_id IN NUMBER, p_copy_barcode IN VARCHAR2, p_reason IN VARCHAR2,
                             p_lost_copy_id OUT NUMBER);
END lib_circulation;
/
