CREATE OR REPLACE PACKAGE BODY lib_policy AS

    FUNCTION find_policy(p_branch_id IN NUMBER, p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2)
        RETURN NUMBER IS
        -- keys are compared through variables of the column's type (an index-friendly comparison)
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        -- every row that matches (NULL = any), most specific first
        CURSOR c_match IS
            SELECT cp.policy_id
              FROM circ_policies cp
             WHERE (cp.branch_id = l_branch_id OR cp.branch_id IS NULL)
               AND (cp.patron_category = p_patron_category OR cp.patron_category IS NULL)
               AND (cp.material_type = p_material_type OR cp.material_type IS NULL)
             ORDER BY CASE WHEN cp.branch_id IS NOT NULL THEN 4 ELSE 0 END
                    + CASE WHEN cp.patron_category IS NOT NULL THEN 2 ELSE 0 END
                    + CASE WHEN cp.material_type IS NOT NULL THEN 1 ELSE 0 END DESC NULLS LAST,
                      cp.policy_id;
        l_policy_id circ_policies.policy_id%TYPE;
    BEGIN
        l_policy_id := NULL;
        OPEN c_match;
        FETCH c_match INTO l_policy_id;
        CLOSE c_match;
        RETURN l_policy_id;
    END find_policy;

    FUNCTION policy_for(p_branch_id IN NUMBER, p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2)
        RETURN NUMBER IS
        l_policy_id circ_policies.policy_id%TYPE;
    BEGIN
        l_policy_id := find_policy(p_branch_id, p_patron_category, p_material_type);
        IF l_policy_id IS NULL THEN
            lib_err.raise_error('NO_CIRC_POLICY', 'branch ' || NVL(TO_CHAR(p_branch_id), 'any')
                                || ', category ' || NVL(p_patron_category, 'any')
                                || ', type ' || NVL(p_material_type, 'any'));
        END IF;
        RETURN l_policy_id;
    END policy_for;

    FUNCTION policy_for_loan(p_patron_id IN NUMBER, p_copy_id IN NUMBER) RETURN NUMBER IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_copy_id   copies.copy_id%TYPE := p_copy_id;
        l_category  patrons.category%TYPE;
        l_branch_id copies.branch_id%TYPE;
        l_type      materials.material_type%TYPE;
    BEGIN
        BEGIN
            SELECT p.category INTO l_category FROM patrons p WHERE p.patron_id = l_patron_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('PATRON_NOT_FOUND', 'patron ' || p_patron_id);
        END;
        BEGIN
            SELECT c.branch_id, m.material_type
              INTO l_branch_id, l_type
              FROM copies c
              JOIN materials m ON m.material_id = c.material_id
             WHERE c.copy_id = l_copy_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('COPY_NOT_FOUND', 'copy ' || p_copy_id);
        END;
        RETURN policy_for(l_branch_id, l_category, l_type);
    END policy_for_loan;

END lib_policy;
/
