CREATE OR REPLACE PACKAGE lib_patrons AS
    /**
     * Patron records: registration, edits, suspension and reinstatement, card renewal and the
     * nightly expiry. Staff actions need PATRON_MANAGE (records) or PATRON_SUSPEND (blocks);
     * system work with no actor (a job) passes. Categories: ADULT, CHILD, STUDENT, SENIOR, STAFF.
     */

    /**
     * Register a patron (POST /api/patrons). Needs PATRON_MANAGE.
     * @param p_first_name     required
     * @param p_last_name      required
     * @param p_email          optional, must look like an address when given
     * @param p_phone          optional
     * @param p_address        optional
     * @param p_category       NULL = ADULT
     * @param p_home_branch_id an active branch; NULL = MAIN (or the first active branch)
     * @param p_card_number    NULL = generated (14 digits starting with 2)
     * @param p_patron_id      OUT the new patrons.patron_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20414 INVALID_PATRON_DATA
     * @throws -20410 CARD_NUMBER_TAKEN
     * @throws -20505 BRANCH_NOT_FOUND missing or inactive home branch
     */
    PROCEDURE register(p_first_name IN VARCHAR2, p_last_name IN VARCHAR2, p_email IN VARCHAR2,
                       p_phone IN VARCHAR2, p_address IN VARCHAR2, p_category IN VARCHAR2,
                       p_home_branch_id IN NUMBER, p_card_number IN VARCHAR2, p_patron_id OUT NUMBER);

    /**
     * Patron self-registration (POST /api/auth/register, no actor): a user with the PATRON role
     * (lib_auth.create_patron_account) and a patrons row linked to it, category ADULT, home branch MAIN
     * (or the first active branch), a generated card number, card valid for the PATRON_CARD_YEARS setting.
     * @param p_username      login name, unique ignoring case
     * @param p_password_hash hash made by the API
     * @param p_full_name     'First Last' (the last word becomes the last name)
     * @param p_email         e-mail address, required
     * @param p_user_id       OUT the new users.user_id
     * @param p_patron_id     OUT the new patrons.patron_id
     * @throws -20409 USERNAME_TAKEN
     * @throws -20903 INVALID_ARGUMENT missing username, hash or name
     * @throws -20414 INVALID_PATRON_DATA missing or malformed e-mail
     */
    PROCEDURE register_account(p_username IN VARCHAR2, p_password_hash IN VARCHAR2, p_full_name IN VARCHAR2,
                               p_email IN VARCHAR2, p_user_id OUT NUMBER, p_patron_id OUT NUMBER);

    /**
     * Create the patron record of an existing account. Allowed for the account itself or with
     * PATRON_MANAGE (with no actor: system work only; self-registration is register_account).
     * Category ADULT, default home branch, generated card number.
     * @param p_user_id    users.user_id without a patron yet
     * @param p_first_name required
     * @param p_last_name  required
     * @param p_email      required
     * @param p_patron_id  OUT the new patrons.patron_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20414 INVALID_PATRON_DATA (also when the user already has a patron record)
     */
    PROCEDURE register_for_user(p_user_id IN NUMBER, p_first_name IN VARCHAR2, p_last_name IN VARCHAR2,
                                p_email IN VARCHAR2, p_patron_id OUT NUMBER);

    /**
     * Edit a patron's contact data, category and home branch. Needs PATRON_MANAGE.
     * Every argument is the new value (NULL clears the optional ones).
     * @param p_patron_id      patrons.patron_id
     * @param p_first_name     required
     * @param p_last_name      required
     * @param p_email          optional, must look like an address when given
     * @param p_phone          optional
     * @param p_address        optional
     * @param p_category       NULL = ADULT
     * @param p_home_branch_id an active branch, required
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20404 PATRON_INACTIVE the record is closed (DELETED)
     * @throws -20411 PERMISSION_DENIED
     * @throws -20414 INVALID_PATRON_DATA
     * @throws -20505 BRANCH_NOT_FOUND
     */
    PROCEDURE update_patron(p_patron_id IN NUMBER, p_first_name IN VARCHAR2, p_last_name IN VARCHAR2,
                            p_email IN VARCHAR2, p_phone IN VARCHAR2, p_address IN VARCHAR2,
                            p_category IN VARCHAR2, p_home_branch_id IN NUMBER);

    /**
     * Suspend a patron (blocks borrowing and holds). Needs PATRON_SUSPEND. Suspending a suspended
     * patron replaces the reason.
     * @param p_patron_id patrons.patron_id
     * @param p_reason    required, kept in status_reason
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20404 PATRON_INACTIVE the record is closed (DELETED)
     * @throws -20411 PERMISSION_DENIED
     * @throws -20413 REASON_REQUIRED
     */
    PROCEDURE suspend(p_patron_id IN NUMBER, p_reason IN VARCHAR2);

    /**
     * Lift a suspension: the patron becomes ACTIVE again (EXPIRED when the card expired meanwhile), and
     * a suspension for returning late (suspended_until) ends too. Needs PATRON_SUSPEND.
     * @param p_patron_id patrons.patron_id
     * @param p_reason    required, kept in status_reason
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20411 PERMISSION_DENIED
     * @throws -20413 REASON_REQUIRED
     * @throws -20416 PATRON_NOT_SUSPENDED neither suspended nor under a suspension for returning late
     */
    PROCEDURE reinstate(p_patron_id IN NUMBER, p_reason IN VARCHAR2);

    /**
     * Renew a card for the PATRON_CARD_YEARS setting, counted from the later of today and the current
     * expiry. An EXPIRED patron becomes ACTIVE. Needs PATRON_MANAGE.
     * @param p_patron_id  patrons.patron_id
     * @param p_expires_on OUT the new expiry date
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20404 PATRON_INACTIVE the record is closed (DELETED)
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE renew_card(p_patron_id IN NUMBER, p_expires_on OUT DATE);

    /**
     * Set the card expiry date (truncated to the day). An EXPIRED patron whose new date is today or
     * later becomes ACTIVE; an ACTIVE patron whose new date is in the past becomes EXPIRED.
     * Needs PATRON_MANAGE.
     * @param p_patron_id  patrons.patron_id
     * @param p_expires_on the new last valid day
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20404 PATRON_INACTIVE the record is closed (DELETED)
     * @throws -20411 PERMISSION_DENIED
     * @throws -20414 INVALID_PATRON_DATA NULL date
     */
    PROCEDURE set_expiry(p_patron_id IN NUMBER, p_expires_on IN DATE);

    /**
     * Nightly job: every ACTIVE patron whose card expired before the library day of p_as_of becomes
     * EXPIRED (set-based). Needs PATRON_MANAGE (the scheduler, with no actor, passes).
     * @param p_as_of the job's time in UTC (lib_jobs passes the start of its library day), NULL = now
     * @param p_rows  OUT number of patrons expired
     */
    PROCEDURE expire_patrons(p_as_of IN DATE, p_rows OUT NUMBER);

    /**
     * A card number not in use yet: 14 digits starting with 2.
     * @return the new card number
     */
    FUNCTION new_card_number RETURN VARCHAR2;

    /**
     * The branch new patrons belong to when none is given: MAIN when active, else the first active one.
     * @return branches.branch_id
     * @throws -20505 BRANCH_NOT_FOUND no active branch at all
     */
    FUNCTION default_branch RETURN NUMBER;
    /**
     * The patron's standing: the one rule checkout, renewal and hold placement apply to the patron, so the
     * three refuse the same patron with the same code. In this order: the record's state refuses
     * (patron_statuses.refusal: DELETED PATRON_INACTIVE, SUSPENDED PATRON_SUSPENDED, EXPIRED PATRON_EXPIRED),
     * the card's expires_on is before the library's today (PATRON_EXPIRED), a suspension for returning late
     * runs through today (patrons.suspended_until: PATRON_BORROWING_SUSPENDED), the fines reach the threshold
     * (lib_fines.blocking_balance: PATRON_FINES_OVER_LIMIT). Which of them an override passes is
     * app_errors.overridable (lib_circulation.checkout). Changes nothing, needs no permission.
     * @param p_patron_id patrons.patron_id
     * @param p_threshold fine_block_threshold of the circulation policy that applies; NULL = fines not looked at
     * @return comma-separated app_errors names of every failing rule in that order, the first is the one
     *         refusal; PATRON_NOT_FOUND when there is no such patron; NULL = in good standing
     */
    FUNCTION standing(p_patron_id IN NUMBER, p_threshold IN NUMBER) RETURN VARCHAR2;

    /**
     * Refuse with the first reason of standing, if any.
     * @param p_patron_id patrons.patron_id
     * @param p_threshold as standing
     * @throws -20401 PATRON_NOT_FOUND, -20404 PATRON_INACTIVE, -20402 PATRON_SUSPENDED, -20403 PATRON_EXPIRED,
     *         -20170 PATRON_BORROWING_SUSPENDED, -20405 PATRON_FINES_OVER_LIMIT (the detail says what is owed)
     */
    PROCEDURE check_standing(p_patron_id IN NUMBER, p_threshold IN NUMBER);
END lib_patrons;
/
