CREATE OR REPLACE PACKAGE lib_auth AS
    /**
     * Accounts, roles and permissions (RBAC), and the login bookkeeping kept in the database.
     * Passwords are hashed and verified by the API (argon2); this package stores and returns hashes,
     * counts failures, locks and unlocks accounts and answers permission questions.
     * Permission checks read the acting user from lib_session.actor(): NULL (a system job or a DBA
     * at the console) passes every check.
     * Parameters are plain NUMBER/VARCHAR2/DATE so that callers of both engines bind any numeric type.
     */

    /**
     * Whether a user holds a permission through one of their roles.
     * @param p_user_id users.user_id
     * @param p_code    permissions.code, e.g. CIRC_CHECKOUT
     * @return 1 when the user is active and one of their roles grants the permission, else 0
     */
    FUNCTION has_permission(p_user_id IN NUMBER, p_code IN VARCHAR2) RETURN NUMBER;

    /**
     * Refuse unless the acting user (lib_session.actor()) holds the permission. A NULL actor passes.
     * @param p_code permissions.code
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE require_permission(p_code IN VARCHAR2);

    /**
     * First step of a login: the stored hash for the API to verify.
     * @param p_username      users.username, case and surrounding spaces ignored (unique ignoring case)
     * @param p_user_id       OUT users.user_id
     * @param p_password_hash OUT the stored password hash
     * @throws -20406 INVALID_CREDENTIALS no such username
     * @throws -20407 ACCOUNT_LOCKED the account is locked after too many failures
     * @throws -20408 ACCOUNT_INACTIVE the account is deactivated
     */
    PROCEDURE check_can_login(p_username IN VARCHAR2, p_user_id OUT NUMBER, p_password_hash OUT VARCHAR2);

    /**
     * Record a successful login: failed_logins back to 0, last_login_at set, audit LOGIN.
     * @param p_user_id users.user_id
     * @throws -20412 USER_NOT_FOUND
     */
    PROCEDURE login_succeeded(p_user_id IN NUMBER);

    /**
     * Record a failed login. Never raises, so the API can COMMIT the count before it refuses the
     * login itself: counts the failure, locks the account when failures reach the MAX_FAILED_LOGINS
     * setting, audits LOGIN_FAILED. An unknown username is audited without the name and changes nothing.
     * @param p_username the username that was tried
     * @param p_locked   OUT 1 when the account is (now) locked, else 0 (also 0 for unknown usernames)
     */
    PROCEDURE login_failed(p_username IN VARCHAR2, p_locked OUT NUMBER);

    /**
     * Unlock a locked account and reset its failure count. Needs USER_ADMIN.
     * @param p_user_id users.user_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     */
    PROCEDURE unlock_account(p_user_id IN NUMBER);

    /**
     * Enable or disable an account. Needs USER_ADMIN. An administrator cannot disable themself.
     * Disabling cancels the account's pending role requests.
     * @param p_user_id users.user_id
     * @param p_active  'Y' or 'N'
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     * @throws -20903 INVALID_ARGUMENT p_active not Y or N, or disabling one's own account
     */
    PROCEDURE set_active(p_user_id IN NUMBER, p_active IN VARCHAR2);

    /**
     * Deactivate an account (DELETE /api/admin/users/{id}): rows are never deleted. Needs USER_ADMIN.
     * @param p_user_id users.user_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     * @throws -20903 INVALID_ARGUMENT deactivating one's own account
     */
    PROCEDURE deactivate_user(p_user_id IN NUMBER);

    /**
     * Replace the roles of a user with the listed ones. Needs USER_ADMIN. All codes are checked before
     * anything changes. Separation of duties: an administrator cannot change their own roles, and a
     * listed role that carries a permission flagged permissions.needs_approval (CIRC_OVERRIDE, FINE_WAIVE,
     * USER_ADMIN) is not granted at once: it becomes a PENDING row of role_requests (one per user and
     * role) that another administrator approves (approve_role_request). Roles not listed are taken away
     * at once and their pending requests CANCELLED. A NULL actor (install script, DBA console) grants
     * every listed role at once.
     * @param p_user_id users.user_id
     * @param p_roles   comma-separated role codes, e.g. 'LIBRARIAN,CATALOGER' (case and spaces ignored),
     *                  NULL = no roles
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     * @throws -20415 ROLE_NOT_FOUND
     * @throws -20430 OWN_ROLES_CHANGE the acting administrator's own roles would change
     */
    PROCEDURE set_roles(p_user_id IN NUMBER, p_roles IN VARCHAR2);

    /**
     * Approve a pending role grant (see set_roles): the user receives the role, granted_by naming the
     * approver. Needs USER_ADMIN; the approver is a signed-in administrator who is neither the requester
     * nor the user receiving the role (the four-eyes rule, also a CHECK of role_requests).
     * @param p_request_id role_requests.request_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20431 ROLE_REQUEST_NOT_FOUND
     * @throws -20432 ROLE_REQUEST_NOT_PENDING already approved, rejected or cancelled
     * @throws -20433 SECOND_APPROVER_REQUIRED the actor asked for it, would receive it, or is NULL
     */
    PROCEDURE approve_role_request(p_request_id IN NUMBER);

    /**
     * Refuse a pending role grant (the requester may withdraw their own). Needs USER_ADMIN.
     * @param p_request_id role_requests.request_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20431 ROLE_REQUEST_NOT_FOUND
     * @throws -20432 ROLE_REQUEST_NOT_PENDING
     */
    PROCEDURE reject_role_request(p_request_id IN NUMBER);

    /**
     * Change an account's display name and e-mail address. Needs USER_ADMIN.
     * @param p_user_id   users.user_id
     * @param p_full_name display name, required, at most 200 characters
     * @param p_email     e-mail address or NULL, at most 254 characters
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     * @throws -20903 INVALID_ARGUMENT missing or too long name, too long e-mail
     */
    PROCEDURE update_user(p_user_id IN NUMBER, p_full_name IN VARCHAR2, p_email IN VARCHAR2);

    /**
     * Create a (staff) account. Needs USER_ADMIN. Roles as set_roles: those needing approval become
     * pending requests.
     * @param p_username      login name, 3 to 60 characters, unique ignoring case
     * @param p_password_hash hash made by the API
     * @param p_full_name     display name
     * @param p_email         e-mail address or NULL
     * @param p_roles         comma-separated role codes or NULL
     * @param p_user_id       OUT the new users.user_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20409 USERNAME_TAKEN
     * @throws -20415 ROLE_NOT_FOUND
     * @throws -20903 INVALID_ARGUMENT missing username, hash or name
     */
    PROCEDURE create_user(p_username IN VARCHAR2, p_password_hash IN VARCHAR2, p_full_name IN VARCHAR2,
                          p_email IN VARCHAR2, p_roles IN VARCHAR2, p_user_id OUT NUMBER);

    /**
     * Store a new password hash. Needs USER_ADMIN unless the actor changes their own password.
     * @param p_user_id       users.user_id
     * @param p_password_hash hash made by the API
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     * @throws -20903 INVALID_ARGUMENT missing hash
     */
    PROCEDURE set_password(p_user_id IN NUMBER, p_password_hash IN VARCHAR2);

    /**
     * Patron self-registration (POST /api/auth/register, no actor): a user with the PATRON role and
     * a patrons row linked to it, category ADULT, home branch MAIN (or the first active branch),
     * a generated card number, card valid for the PATRON_CARD_YEARS setting.
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
    PROCEDURE register_patron_account(p_username IN VARCHAR2, p_password_hash IN VARCHAR2,
                                      p_full_name IN VARCHAR2, p_email IN VARCHAR2,
                                      p_user_id OUT NUMBER, p_patron_id OUT NUMBER);
END lib_auth;
/
