CREATE OR REPLACE PACKAGE lib_auth AS
    /**
     * Accounts, roles and permissions (RBAC), and the login bookkeeping kept in the database.
     * Passwords are hashed and verified by the API (argon2); this package stores and returns hashes,
     * counts failures, locks and unlocks accounts and answers permission questions.
     * Permission checks read the acting user from lib_session.actor(). With no actor only system work
     * passes (lib_session.system_caller: the schema owner's own session, as the nightly jobs and install
     * scripts run); the application's login, which never does system work, is refused (PERMISSION_DENIED).
     * Login: check_can_login returns the stored hash whatever the account's state, the caller verifies
     * the password, then login_succeeded (right password: opens a session, or refuses a locked or
     * deactivated account) or login_failed (wrong password: counts, locks for a while). So nothing tells
     * a locked or deactivated account from a wrong password before the password was right.
     * Lockout: MAX_FAILED_LOGINS failures lock an account for LOCKOUT_MINUTES, each further lock before a
     * successful login twice as long as the one before, at most LOCKOUT_MAX_MINUTES; once a lock ends the
     * right password works, the next wrong one locks again. unlock_account ends a lock at once.
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
     * Refuse unless the acting user (lib_session.actor()) holds the permission. A NULL actor passes
     * only in system work (lib_session.system_caller()).
     * @param p_code permissions.code
     * @throws -20411 PERMISSION_DENIED the actor lacks it, or there is no actor outside system work
     */
    PROCEDURE require_permission(p_code IN VARCHAR2);

    /**
     * Whether a user holds a permission for a branch: through a role that grants it library-wide, or
     * through one that grants it branch_only (role_permissions.branch_only) when the branch is the
     * user's home branch (users.home_branch_id).
     * @param p_user_id   users.user_id
     * @param p_code      permissions.code
     * @param p_branch_id branches.branch_id the action concerns (NULL: library-wide grants only)
     * @return 1 when the user is active and holds the permission for that branch, else 0
     */
    FUNCTION has_permission_at(p_user_id IN NUMBER, p_code IN VARCHAR2, p_branch_id IN NUMBER) RETURN NUMBER;

    /**
     * Refuse unless the acting user holds the permission for the branch (has_permission_at). A NULL
     * actor passes only in system work (lib_session.system_caller()).
     * @param p_code      permissions.code
     * @param p_branch_id the branch the action concerns
     * @throws -20411 PERMISSION_DENIED the actor does not hold the permission at all, or there is no
     *                actor outside system work
     * @throws -20453 OUTSIDE_HOME_BRANCH the actor holds it for their home branch only, and this is another
     */
    PROCEDURE require_permission_at(p_code IN VARCHAR2, p_branch_id IN NUMBER);

    /**
     * First step of a login: the stored hash for the caller to verify. A locked or deactivated account
     * is not refused here (login_succeeded refuses it once the password was right).
     * @param p_username      users.username, case and surrounding spaces ignored (unique ignoring case)
     * @param p_user_id       OUT users.user_id
     * @param p_password_hash OUT the stored password hash
     * @throws -20406 INVALID_CREDENTIALS no such username
     */
    PROCEDURE check_can_login(p_username IN VARCHAR2, p_user_id OUT NUMBER, p_password_hash OUT VARCHAR2);

    /**
     * The password was right: refuse a deactivated account or one whose lock is still on, else clear the
     * failures and the lock, set last_login_at, open a session and audit LOGIN. The rest of the
     * transaction acts as the user under the new session (lib_session.set_actor). The user's sessions
     * that expired over a week ago are removed.
     * @param p_user_id     users.user_id
     * @param p_session_key a random secret of 32 to 100 characters made by the caller: the client's
     *                      token or cookie carries it, the table only its hash
     * @param p_kind        API (a bearer token) or STAFF (a staff UI cookie)
     * @param p_client      network address of the client, NULL when not known
     * @param p_lifetime_s  seconds the session lasts, 60 to 604800 (a week)
     * @param p_session_id  OUT user_sessions.session_id of the new session
     * @throws -20412 USER_NOT_FOUND
     * @throws -20408 ACCOUNT_INACTIVE the account is deactivated
     * @throws -20407 ACCOUNT_LOCKED the account is locked until users.locked_until (or until unlocked)
     * @throws -20903 INVALID_ARGUMENT a key, kind or lifetime out of range
     */
    PROCEDURE login_succeeded(p_user_id IN NUMBER, p_session_key IN VARCHAR2, p_kind IN VARCHAR2,
                              p_client IN VARCHAR2, p_lifetime_s IN NUMBER, p_session_id OUT NUMBER);

    /**
     * Record a failed login. Never raises, so the caller can COMMIT the count before it refuses the
     * login itself: counts the failure, and when failures reach the MAX_FAILED_LOGINS setting locks the
     * account until LOCKOUT_MINUTES from now, doubled for each lock since the last successful login, at
     * most LOCKOUT_MAX_MINUTES. A failure while a lock is on changes no count and no end. Audits
     * LOGIN_FAILED; an unknown username is audited without the name and changes nothing.
     * @param p_username the username that was tried
     * @param p_locked   OUT 1 when the account is (now) locked, else 0 (also 0 for unknown usernames)
     */
    PROCEDURE login_failed(p_username IN VARCHAR2, p_locked OUT NUMBER);

    /**
     * End every session of a user ("sign out everywhere"). Needs USER_ADMIN unless the actor ends their own.
     * @param p_user_id users.user_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     */
    PROCEDURE end_sessions(p_user_id IN NUMBER);

    /**
     * Set the branch a staff user works for (branch_only permissions act there). Needs USER_ADMIN.
     * A change ends the user's sessions, as a change of roles does. As with roles, an administrator's
     * own home branch is changed by another administrator (the same branch again changes nothing).
     * @param p_user_id   users.user_id
     * @param p_branch_id branches.branch_id, NULL = none
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     * @throws -20430 OWN_ROLES_CHANGE the acting administrator's own home branch would change
     * @throws -20505 BRANCH_NOT_FOUND
     */
    PROCEDURE set_home_branch(p_user_id IN NUMBER, p_branch_id IN NUMBER);

    /**
     * Unlock a locked account, reset its failure count and its lock doubling. Needs USER_ADMIN.
     * @param p_user_id users.user_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     */
    PROCEDURE unlock_account(p_user_id IN NUMBER);

    /**
     * Enable or disable an account. Needs USER_ADMIN. An administrator cannot disable themself.
     * Disabling cancels the account's pending role requests and ends every session of the account.
     * @param p_user_id users.user_id
     * @param p_active  'Y' or 'N'
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     * @throws -20903 INVALID_ARGUMENT p_active not Y or N, or disabling one's own account
     */
    PROCEDURE set_active(p_user_id IN NUMBER, p_active IN VARCHAR2);

    /**
     * Deactivate an account (DELETE /api/admin/users/{id}): rows are never deleted, its sessions end.
     * Needs USER_ADMIN.
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
     * at once and their pending requests CANCELLED. With no actor (system work only: an install script,
     * the owner's console) every listed role is granted at once. When the granted roles change, the
     * user's sessions end (their tokens and cookies carry the permissions of the login).
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
     * nor the user receiving the role (the four-eyes rule, also a CHECK of role_requests). The user's
     * sessions end (they sign in again to act with the role).
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
     * Store a new password hash and end every session of the account (the acting one included).
     * Needs USER_ADMIN unless the actor changes their own password.
     * @param p_user_id       users.user_id
     * @param p_password_hash hash made by the API
     * @throws -20411 PERMISSION_DENIED
     * @throws -20412 USER_NOT_FOUND
     * @throws -20903 INVALID_ARGUMENT missing hash
     */
    PROCEDURE set_password(p_user_id IN NUMBER, p_password_hash IN VARCHAR2);

    /**
     * The account of a patron's self-registration, without its patron record (lib_patrons.register_account
     * makes both, for POST /api/auth/register): a new user with the PATRON role and nothing else. Needs no
     * actor (nobody is signed in yet), so any caller may make one: it grants no more than registering does.
     * @param p_username      login name, unique ignoring case
     * @param p_password_hash hash made by the API
     * @param p_full_name     the name shown
     * @param p_email         e-mail address
     * @param p_user_id       OUT the new users.user_id
     * @throws -20409 USERNAME_TAKEN
     * @throws -20903 INVALID_ARGUMENT missing username, hash or name
     */
    PROCEDURE create_patron_account(p_username IN VARCHAR2, p_password_hash IN VARCHAR2, p_full_name IN VARCHAR2,
                                    p_email IN VARCHAR2, p_user_id OUT NUMBER);
END lib_auth;
/
