CREATE OR REPLACE PACKAGE lib_policy AS
    /**
     * The circulation policy matrix (circ_policies): which rule applies to a loan.
     * circ_policies is a sparse matrix of (branch, patron category, material type) where NULL means
     * any. The most specific matching row wins: a branch match weighs 4, a patron category match 2,
     * a material type match 1 (Koha's order: branch before category before type), so a row naming
     * the branch beats any row that does not, whatever else it names. Ties cannot happen because
     * circ_policies_scope_uk makes each combination unique.
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
END lib_policy;
/
