CREATE OR REPLACE PACKAGE lib_policy AS
    /**
     * The circulation policy matrix (circ_policies): which rule applies to a loan.
     * circ_policies is a sparse matrix of (branch, patron category, material type) where NULL means
     * any. The most specific matching row wins: a branch match weighs 4, a patron category match 2,
     * a material type match 1 (Koha's order: branch before category before type), so a row naming
     * the branch beats any row that does not, whatever else it names. Ties cannot happen because
     * circ_policies_scope_uk makes each combination unique.
     *
     * The peers' rules, each a column of the matched policy or a setting (README, "Peer rules"):
     *   cap_fine_to_price      the overdue fine never exceeds the material's replacement cost (lib_fines_core)
     *   suspension_days_per_day, max_suspension_days  a late return suspends borrowing (patrons.suspended_until,
     *                          refused as PATRON_BORROWING_SUSPENDED by lib_patrons.standing)
     *   no_renewal_before_days no renewal earlier than that many days before the due date (RENEWAL_TOO_EARLY)
     *   OVERDUE_BLOCKS_RENEWAL (setting) overdue loans block renewal (RENEWAL_BLOCKED_BY_OVERDUE)
     *   DUE_DATE_BEFORE_EXPIRY (setting) the card's expiry caps the due date, on the open day before
     *   max_overdue_loans      a patron with that many overdue loans cannot check out (PATRON_OVERDUE_LIMIT)
     *   damage_fee, damage_fee_share  the DAMAGE charge of a check-in inspection (lib_inspections)
     * Weekly closures are lib_calendar's.
     */

    /**
     * The policy that applies to a branch, patron category and material type.
     * @param p_branch_id       branches.branch_id of the circulating branch (the copy's branch)
     * @param p_patron_category patrons.category, e.g. ADULT
     * @param p_material_type   materials.material_type, e.g. BOOK
     * @return circ_policies.policy_id of the most specific matching row
     * @throws -20114 NO_CIRC_POLICY when no row matches (not even the library-wide default)
     */
    FUNCTION policy_for(p_branch_id IN NUMBER, p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2)
        RETURN NUMBER;

    /**
     * As policy_for, without raising: for callers that report every failing rule at once.
     * @param p_branch_id       branches.branch_id of the circulating branch
     * @param p_patron_category patrons.category
     * @param p_material_type   materials.material_type
     * @return circ_policies.policy_id of the most specific matching row, NULL when none matches
     */
    FUNCTION find_policy(p_branch_id IN NUMBER, p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2)
        RETURN NUMBER;

    /**
     * The policy for lending a copy to a patron: policy_for(copy's branch, patron's category,
     * copy's material type).
     * @param p_patron_id patrons.patron_id
     * @param p_copy_id   copies.copy_id
     * @return circ_policies.policy_id
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20102 COPY_NOT_FOUND
     * @throws -20114 NO_CIRC_POLICY
     */
    FUNCTION policy_for_loan(p_patron_id IN NUMBER, p_copy_id IN NUMBER) RETURN NUMBER;

    /**
     * Due time of a loan of a patron: lib_calendar.due_at, then, with the setting DUE_DATE_BEFORE_EXPIRY = 1,
     * no later than the end of the last open day of the branch on or before the card's expires_on (Koha
     * ReturnBeforeExpiry), yet never before the end of the library's today.
     * @param p_patron_id patrons.patron_id
     * @param p_branch_id the loan's branch (its calendar)
     * @param p_from      start of the loan period in UTC
     * @param p_days      loan period in days
     * @return the due date and time in UTC
     */
    FUNCTION loan_due_at(p_patron_id IN NUMBER, p_branch_id IN NUMBER, p_from IN DATE, p_days IN NUMBER)
        RETURN DATE;

    /**
     * The checkout refusals of the peers' patron rules under a policy: PATRON_OVERDUE_LIMIT when the patron
     * has max_overdue_loans ACTIVE loans or more past their due time (Evergreen's overdue-count penalty).
     * @param p_patron_id patrons.patron_id
     * @param p_policy_id circ_policies.policy_id, NULL = none (nothing to check)
     * @return comma-separated app_errors names, NULL = none
     */
    FUNCTION checkout_refusals(p_patron_id IN NUMBER, p_policy_id IN NUMBER) RETURN VARCHAR2;

    /**
     * The peers' renewal rule an ACTIVE loan's renewal fails, if any (checked after the patron's standing
     * and the renewal limit, listed with them by lib_circulation): the setting OVERDUE_BLOCKS_RENEWAL
     * (1 = this loan is overdue, 2 = any loan of the patron is), then the policy's no_renewal_before_days
     * (the library's today is earlier than that many days before the due day).
     * @param p_loan_id loans.loan_id
     * @return 'RENEWAL_BLOCKED_BY_OVERDUE', 'RENEWAL_TOO_EARLY' (app_errors.name) or NULL when none fails
     */
    FUNCTION renewal_refusal(p_loan_id IN NUMBER) RETURN VARCHAR2;

    /**
     * For lib_circulation check-in of an ACTIVE loan returned after its due day: suspend the patron's
     * borrowing (Koha finedays). Days late = library days from the due day to the return day less closed
     * days; when more than the grace_days, the suspension is days late x suspension_days_per_day, at most
     * max_suspension_days, counted from the return day: patrons.suspended_until becomes its last day,
     * unless a longer suspension already runs. Nothing happens with suspension_days_per_day = 0.
     * @param p_loan_id     loans.loan_id
     * @param p_returned_at the return time (UTC)
     */
    PROCEDURE suspend_for_late_return(p_loan_id IN NUMBER, p_returned_at IN DATE);
END lib_policy;
/
