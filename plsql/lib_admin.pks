CREATE OR REPLACE PACKAGE lib_admin AS
    /**
     * The library's configuration: branches, closed days and weekly closures, circulation policies and the
     * app_settings.
     * Every change needs SYS_CONFIG (system work with no actor, an install script, passes)
     * and is validated here, so the staff screens and any later face write the same rules; the audit
     * triggers record who changed what. Rows that other rows refer to are deactivated (branches) or
     * refused for deletion (policies still named by loans); closed days, weekly closures and unused
     * policies are deleted.
     * Parameters are plain NUMBER/VARCHAR2/DATE so that callers of both engines bind any numeric type.
     */

    /**
     * Add a branch, active.
     * @param p_code      short code, 1 to 20 characters without spaces, stored in upper case, unique
     * @param p_name      required, at most 200 characters
     * @param p_address   optional, at most 400 characters
     * @param p_phone     optional, at most 40 characters
     * @param p_email     optional, at most 254 characters, must contain @
     * @param p_branch_id OUT the new branches.branch_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20910 BRANCH_CODE_TAKEN
     * @throws -20911 INVALID_BRANCH_DATA missing or malformed code, name or e-mail, text too long
     */
    PROCEDURE create_branch(p_code IN VARCHAR2, p_name IN VARCHAR2, p_address IN VARCHAR2, p_phone IN VARCHAR2,
                            p_email IN VARCHAR2, p_branch_id OUT NUMBER);

    /**
     * Replace a branch's data; arguments as create_branch.
     * @param p_branch_id branches.branch_id
     * @param p_active    'Y' open, 'N' closed for good (kept: copies, patrons and loans refer to it)
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20910 BRANCH_CODE_TAKEN
     * @throws -20911 INVALID_BRANCH_DATA as create_branch, or p_active not Y or N
     */
    PROCEDURE update_branch(p_branch_id IN NUMBER, p_code IN VARCHAR2, p_name IN VARCHAR2, p_address IN VARCHAR2,
                            p_phone IN VARCHAR2, p_email IN VARCHAR2, p_active IN VARCHAR2);

    /**
     * Close a branch for good (is_active N); the row stays. Deactivating an inactive branch does nothing.
     * @param p_branch_id branches.branch_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     */
    PROCEDURE deactivate_branch(p_branch_id IN NUMBER);

    /**
     * Add a closed day.
     * @param p_branch_id     branches.branch_id, NULL = every branch
     * @param p_closed_on     the library day (its time of day is ignored)
     * @param p_reason        optional, at most 200 characters
     * @param p_closed_day_id OUT the new closed_days.closed_day_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20913 CLOSED_DAY_EXISTS the day is already closed for that branch (or for every branch)
     * @throws -20914 INVALID_CLOSED_DAY missing day, reason too long
     */
    PROCEDURE add_closed_day(p_branch_id IN NUMBER, p_closed_on IN DATE, p_reason IN VARCHAR2,
                             p_closed_day_id OUT NUMBER);

    /**
     * Replace a closed day's data; arguments as add_closed_day.
     * @param p_closed_day_id closed_days.closed_day_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20912 CLOSED_DAY_NOT_FOUND
     * @throws -20913 CLOSED_DAY_EXISTS
     * @throws -20914 INVALID_CLOSED_DAY
     */
    PROCEDURE update_closed_day(p_closed_day_id IN NUMBER, p_branch_id IN NUMBER, p_closed_on IN DATE,
                                p_reason IN VARCHAR2);

    /**
     * Remove a closed day (the branch opens that day again for due dates computed from now on).
     * @param p_closed_day_id closed_days.closed_day_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20912 CLOSED_DAY_NOT_FOUND
     */
    PROCEDURE delete_closed_day(p_closed_day_id IN NUMBER);

    /**
     * Add a weekly closure: a weekday the branch (or every branch) is closed every week, skipped like a
     * closed day by due dates and overdue fines (lib_calendar). Refused with the closed days' codes.
     * @param p_branch_id         branches.branch_id, NULL = every branch
     * @param p_iso_weekday       1 = Monday to 7 = Sunday
     * @param p_reason            optional, at most 200 characters
     * @param p_closed_weekday_id OUT the new closed_weekdays.closed_weekday_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20913 CLOSED_DAY_EXISTS the weekday is already closed for that branch (or for every branch)
     * @throws -20914 INVALID_CLOSED_DAY missing weekday or not 1 to 7, reason too long
     */
    PROCEDURE add_closed_weekday(p_branch_id IN NUMBER, p_iso_weekday IN NUMBER, p_reason IN VARCHAR2,
                                 p_closed_weekday_id OUT NUMBER);

    /**
     * Replace a weekly closure's data; arguments as add_closed_weekday.
     * @param p_closed_weekday_id closed_weekdays.closed_weekday_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20912 CLOSED_DAY_NOT_FOUND no such weekly closure
     * @throws -20913 CLOSED_DAY_EXISTS
     * @throws -20914 INVALID_CLOSED_DAY
     */
    PROCEDURE update_closed_weekday(p_closed_weekday_id IN NUMBER, p_branch_id IN NUMBER, p_iso_weekday IN NUMBER,
                                    p_reason IN VARCHAR2);

    /**
     * Remove a weekly closure (the branch opens that weekday again for due dates computed from now on).
     * @param p_closed_weekday_id closed_weekdays.closed_weekday_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20912 CLOSED_DAY_NOT_FOUND no such weekly closure
     */
    PROCEDURE delete_closed_weekday(p_closed_weekday_id IN NUMBER);

    /**
     * Add a circulation policy: one row of the matrix branch x patron category x material type, where
     * NULL means any (lib_policy picks the most specific row that matches). No two policies share a scope.
     * @param p_branch_id            branches.branch_id or NULL = any branch
     * @param p_patron_category      ADULT, CHILD, STUDENT, SENIOR, STAFF or NULL = any
     * @param p_material_type        BOOK, DVD, AUDIOBOOK, MAGAZINE, EBOOK, MAP or NULL = any
     * @param p_loan_days            loan period in days, 1 to 3650
     * @param p_max_renewals         0 to 999
     * @param p_renew_from_due       'Y' a renewal extends from the due date, 'N' from the renewal day
     * @param p_loan_limit           active loans a patron may have, 0 to 99999
     * @param p_hold_limit           active holds a patron may have, 0 to 99999
     * @param p_daily_fine           overdue fine per day, 0 or more, at most two decimals
     * @param p_grace_days           days after the due date without a fine, 0 to 999
     * @param p_max_fine             cap of one overdue fine, 0 or more, at most two decimals
     * @param p_fine_block_threshold amount owed from which checkouts are refused, 0 or more
     * @param p_hold_pickup_days     days a ready hold waits on the shelf, 1 to 999
     * @param p_holdable             'Y' or 'N'
     * @param p_lost_after_days      days overdue after which a loan is marked lost, 1 to 3650
     * @param p_lost_refund          'Y' a lost charge is refunded when the copy comes back, 'N' not
     * @param p_cap_fine_to_price    'Y' an overdue fine never exceeds the material's replacement cost, 'N' not
     * @param p_suspension_days_per_day days of borrowing suspension per day returned late, 0 to 999 (0 = none)
     * @param p_max_suspension_days  longest suspension of one late return, 0 to 9999, NULL = no maximum
     * @param p_no_renewal_before_days renewal allowed only this many days before the due date, 0 to 9999,
     *                               NULL = any time
     * @param p_max_overdue_loans    overdue loans from which checkouts are refused, 1 to 99999, NULL = no limit
     * @param p_damage_fee           DAMAGE charge of an inspection, an amount, NULL = p_damage_fee_share
     * @param p_damage_fee_share     DAMAGE charge as a share of the replacement cost, 0 to 1 with at most two
     *                               decimals, NULL = none (when p_damage_fee is NULL too)
     * @param p_policy_id            OUT the new circ_policies.policy_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20916 POLICY_SCOPE_TAKEN another policy has the same branch, category and type (its id in the message)
     * @throws -20917 INVALID_POLICY a missing or negative number, a number out of range, a flag not Y or N,
     *                an unknown category or material type
     */
    PROCEDURE create_policy(p_branch_id IN NUMBER, p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2,
                            p_loan_days IN NUMBER, p_max_renewals IN NUMBER, p_renew_from_due IN VARCHAR2,
                            p_loan_limit IN NUMBER, p_hold_limit IN NUMBER,
                            p_daily_fine IN circ_policies.daily_fine%TYPE, p_grace_days IN NUMBER,
                            p_max_fine IN circ_policies.max_fine%TYPE,
                            p_fine_block_threshold IN circ_policies.fine_block_threshold%TYPE,
                            p_hold_pickup_days IN NUMBER, p_holdable IN VARCHAR2, p_lost_after_days IN NUMBER,
                            p_lost_refund IN VARCHAR2, p_cap_fine_to_price IN VARCHAR2,
                            p_suspension_days_per_day IN NUMBER, p_max_suspension_days IN NUMBER,
                            p_no_renewal_before_days IN NUMBER, p_max_overdue_loans IN NUMBER,
                            p_damage_fee IN circ_policies.damage_fee%TYPE,
                            p_damage_fee_share IN circ_policies.damage_fee_share%TYPE, p_policy_id OUT NUMBER);

    /**
     * Replace a policy's scope and rules; arguments as create_policy. Loans already made keep their due
     * dates; renewals, fines and limits use the new values from now on.
     * @param p_policy_id circ_policies.policy_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20915 POLICY_NOT_FOUND
     * @throws -20916 POLICY_SCOPE_TAKEN
     * @throws -20917 INVALID_POLICY
     */
    PROCEDURE update_policy(p_policy_id IN NUMBER, p_branch_id IN NUMBER, p_patron_category IN VARCHAR2,
                            p_material_type IN VARCHAR2, p_loan_days IN NUMBER, p_max_renewals IN NUMBER,
                            p_renew_from_due IN VARCHAR2, p_loan_limit IN NUMBER, p_hold_limit IN NUMBER,
                            p_daily_fine IN circ_policies.daily_fine%TYPE, p_grace_days IN NUMBER,
                            p_max_fine IN circ_policies.max_fine%TYPE,
                            p_fine_block_threshold IN circ_policies.fine_block_threshold%TYPE,
                            p_hold_pickup_days IN NUMBER, p_holdable IN VARCHAR2, p_lost_after_days IN NUMBER,
                            p_lost_refund IN VARCHAR2, p_cap_fine_to_price IN VARCHAR2,
                            p_suspension_days_per_day IN NUMBER, p_max_suspension_days IN NUMBER,
                            p_no_renewal_before_days IN NUMBER, p_max_overdue_loans IN NUMBER,
                            p_damage_fee IN circ_policies.damage_fee%TYPE,
                            p_damage_fee_share IN circ_policies.damage_fee_share%TYPE);

    /**
     * Remove a policy no loan refers to. The library-wide default (any branch, category and type) stays:
     * without it a checkout outside every other scope would find no policy.
     * @param p_policy_id circ_policies.policy_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20915 POLICY_NOT_FOUND
     * @throws -20917 INVALID_POLICY the library-wide default policy
     * @throws -20918 POLICY_IN_USE loans (current or past) refer to it: change its rules instead
     */
    PROCEDURE delete_policy(p_policy_id IN NUMBER);

    /**
     * Change a setting of app_settings, checked by the type its row declares (the readers convert the
     * value so): INTEGER a whole number from min_value to max_value (e.g. MAX_FAILED_LOGINS 3 to 20,
     * read by lib_auth), TIME_ZONE UTC or a region name Area/Location the database knows, e.g.
     * Europe/Paris (LIBRARY_TIME_ZONE, read by lib_clock: offsets and abbreviations are refused, their
     * meaning changes with daylight saving time), TEXT any text of 1 to 400 characters.
     * Surrounding spaces are removed; whole numbers are stored without leading zeros.
     * @param p_name  app_settings.name (case ignored)
     * @param p_value the new value as text
     * @throws -20411 PERMISSION_DENIED
     * @throws -20919 SETTING_NOT_FOUND no such setting
     * @throws -20920 INVALID_SETTING_VALUE the value is missing, not of the setting's type or out of its range
     */
    PROCEDURE set_setting(p_name IN VARCHAR2, p_value IN VARCHAR2);
END lib_admin;
/
