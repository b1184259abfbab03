CREATE OR REPLACE PACKAGE BODY lib_auth AS

    -- Public routines take plain NUMBER keys and copy them into locals anchored to the key columns
    -- before any SQL (on PostgreSQL a numeric value compared with a bigint key defeats its index);
    -- private routines take anchored parameters.

    -- An application setting as a number, p_default when missing or not numeric text.
    FUNCTION setting_number(p_name IN VARCHAR2, p_default IN NUMBER) RETURN NUMBER IS
        l_value app_settings.value%TYPE;
    BEGIN
        SELECT MAX(value) INTO l_value FROM app_settings WHERE name = p_name;
        IF l_value IS NULL OR LENGTH(TRIM(TRANSLATE(l_value, '0123456789', '          '))) > 0 THEN
            RETURN p_default;
        END IF;
        RETURN TO_NUMBER(l_value);
    END setting_number;

    FUNCTION has_permission(p_user_id IN NUMBER, p_code IN VARCHAR2) RETURN NUMBER IS
        l_user_id users.user_id%TYPE := p_user_id;
        l_count   NUMBER;
    BEGIN
        SELECT COUNT(*)
          INTO l_count
          FROM users u
          JOIN user_roles ur ON ur.user_id = u.user_id
          JOIN role_permissions rp ON rp.role_id = ur.role_id
          JOIN permissions p ON p.permission_id = rp.permission_id
         WHERE u.user_id = l_user_id
           AND u.is_active = 'Y'
           AND p.code = p_code;
        IF l_count > 0 THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END has_permission;

    -- No acting user: system work passes (the owner's own session), anything else is refused. The
    -- application's login must sign a user in (set_actor) to pass any permission check.
    PROCEDURE require_system(p_code IN VARCHAR2) IS
    BEGIN
        IF NOT lib_session.system_caller() THEN
            lib_err.raise_error('PERMISSION_DENIED', p_code || ': no user signed in');
        END IF;
    END require_system;

    PROCEDURE require_permission(p_code IN VARCHAR2) IS
        l_actor users.user_id%TYPE;
    BEGIN
        l_actor := lib_session.actor();
        IF l_actor IS NULL THEN
            require_system(p_code);
        ELSIF has_permission(l_actor, p_code) = 0 THEN
            lib_err.raise_error('PERMISSION_DENIED', p_code);
        END IF;
    END require_permission;

    FUNCTION has_permission_at(p_user_id IN NUMBER, p_code IN VARCHAR2, p_branch_id IN NUMBER) RETURN NUMBER IS
        l_user_id   users.user_id%TYPE := p_user_id;
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        l_count     NUMBER;
    BEGIN
        SELECT COUNT(*)
          INTO l_count
          FROM users u
          JOIN user_roles ur ON ur.user_id = u.user_id
          JOIN role_permissions rp ON rp.role_id = ur.role_id
          JOIN permissions p ON p.permission_id = rp.permission_id
         WHERE u.user_id = l_user_id
           AND u.is_active = 'Y'
           AND p.code = p_code
           AND (rp.branch_only = 'N' OR u.home_branch_id = l_branch_id);
        IF l_count > 0 THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END has_permission_at;

    PROCEDURE require_permission_at(p_code IN VARCHAR2, p_branch_id IN NUMBER) IS
        l_actor users.user_id%TYPE;
    BEGIN
        l_actor := lib_session.actor();
        IF l_actor IS NULL THEN
            require_system(p_code);
            RETURN;
        END IF;
        IF has_permission(l_actor, p_code) = 0 THEN
            lib_err.raise_error('PERMISSION_DENIED', p_code);
        END IF;
        IF has_permission_at(l_actor, p_code, p_branch_id) = 0 THEN
            lib_err.raise_error('OUTSIDE_HOME_BRANCH', p_code || ' at branch ' || NVL(TO_CHAR(p_branch_id), 'none'));
        END IF;
    END require_permission_at;

    -- End the live sessions of a user, for the reason given (user_sessions.revoked_reason).
    PROCEDURE revoke_sessions(p_user_id IN users.user_id%TYPE, p_reason IN VARCHAR2) IS
        l_now DATE;
    BEGIN
        l_now := lib_clock.now_utc();
        UPDATE user_sessions
           SET revoked_at = l_now,
               revoked_reason = p_reason
         WHERE user_id = p_user_id
           AND revoked_at IS NULL
           AND expires_at > l_now;
    END revoke_sessions;

    -- Whether a lock is on: account_locked with no end (set by an administrator or an earlier version)
    -- or an end still ahead.
    FUNCTION lock_is_on(p_locked IN VARCHAR2, p_until IN DATE, p_now IN DATE) RETURN BOOLEAN IS
    BEGIN
        RETURN p_locked = 'Y' AND (p_until IS NULL OR p_until > p_now);
    END lock_is_on;

    -- USER_NOT_FOUND unless the user exists.
    PROCEDURE assert_user(p_user_id IN users.user_id%TYPE) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM users WHERE user_id = p_user_id;
        IF l_count = 0 THEN
            lib_err.raise_error('USER_NOT_FOUND', 'user ' || TO_CHAR(p_user_id));
        END IF;
    END assert_user;

    -- Upper case, no spaces, wrapped in commas: ',LIBRARIAN,CATALOGER,' (',,' for none).
    FUNCTION role_list(p_roles IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        RETURN ',' || NVL(UPPER(REPLACE(p_roles, ' ', '')), '') || ',';
    END role_list;

    -- ROLE_NOT_FOUND for the first listed code that is not a role.
    PROCEDURE check_roles(p_list IN VARCHAR2) IS
        l_pos   PLS_INTEGER := 2;
        l_next  PLS_INTEGER;
        l_code  roles.code%TYPE;
        l_count NUMBER;
    BEGIN
        WHILE l_pos < LENGTH(p_list) LOOP
            l_next := INSTR(p_list, ',', l_pos);
            l_code := SUBSTR(p_list, l_pos, l_next - l_pos);
            IF LENGTH(l_code) > 0 THEN
                SELECT COUNT(*) INTO l_count FROM roles WHERE code = l_code;
                IF l_count = 0 THEN
                    lib_err.raise_error('ROLE_NOT_FOUND', l_code);
                END IF;
            END IF;
            l_pos := l_next + 1;
        END LOOP;
    END check_roles;

    -- 1 when the listed roles differ from the roles the user holds, else 0.
    FUNCTION roles_change(p_user_id IN users.user_id%TYPE, p_list IN VARCHAR2) RETURN NUMBER IS
        l_dropped NUMBER;
        l_added   NUMBER;
    BEGIN
        SELECT COUNT(*)
          INTO l_dropped
          FROM user_roles ur
          JOIN roles r ON r.role_id = ur.role_id
         WHERE ur.user_id = p_user_id
           AND INSTR(p_list, ',' || r.code || ',') = 0;
        SELECT COUNT(*)
          INTO l_added
          FROM roles r
         WHERE INSTR(p_list, ',' || r.code || ',') > 0
           AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = p_user_id AND ur.role_id = r.role_id);
        IF l_dropped + l_added > 0 THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END roles_change;

    -- Make the user's roles the listed ones (codes already checked). Roles not listed are taken away
    -- and their pending requests cancelled. A listed role that carries a permission flagged
    -- needs_approval is not granted by an acting administrator: it becomes a PENDING role_requests row
    -- for a second administrator (approve_role_request). Other listed roles, and every role when there
    -- is no actor, are granted at once: the callers let no actor through but system work (set_roles,
    -- create_user: require_permission) and self-registration (create_patron_account: PATRON only).
    -- When the granted roles change, the user's sessions end (a token or cookie carries the permissions
    -- of its login).
    PROCEDURE apply_roles(p_user_id IN users.user_id%TYPE, p_list IN VARCHAR2) IS
        l_now     user_roles.granted_at%TYPE;
        l_actor   users.user_id%TYPE;
        l_removed NUMBER;
        l_added   NUMBER;
    BEGIN
        l_now := lib_clock.now_utc();
        l_actor := lib_session.actor();
        DELETE FROM user_roles
         WHERE user_id = p_user_id
           AND role_id IN (SELECT r.role_id FROM roles r WHERE INSTR(p_list, ',' || r.code || ',') = 0);
        l_removed := SQL%ROWCOUNT;
        UPDATE role_requests
           SET status = 'CANCELLED',
               decided_by = l_actor,
               decided_at = l_now
         WHERE user_id = p_user_id
           AND status = 'PENDING'
           AND role_id IN (SELECT r.role_id FROM roles r WHERE INSTR(p_list, ',' || r.code || ',') = 0);
        INSERT INTO user_roles (user_id, role_id, granted_at, granted_by)
        SELECT p_user_id, r.role_id, l_now, l_actor
          FROM roles r
         WHERE INSTR(p_list, ',' || r.code || ',') > 0
           AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = p_user_id AND ur.role_id = r.role_id)
           AND (l_actor IS NULL
                OR NOT EXISTS (SELECT 1
                                 FROM role_permissions rp
                                 JOIN permissions p ON p.permission_id = rp.permission_id
                                WHERE rp.role_id = r.role_id
                                  AND p.needs_approval = 'Y'));
        l_added := SQL%ROWCOUNT;
        IF l_removed + l_added > 0 THEN
            revoke_sessions(p_user_id, 'ROLES');
        END IF;
        IF l_actor IS NOT NULL THEN
            INSERT INTO role_requests (user_id, role_id, status, requested_by, requested_at)
            SELECT p_user_id, r.role_id, 'PENDING', l_actor, l_now
              FROM roles r
             WHERE INSTR(p_list, ',' || r.code || ',') > 0
               AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = p_user_id AND ur.role_id = r.role_id)
               AND NOT EXISTS (SELECT 1
                                 FROM role_requests rq
                                WHERE rq.user_id = p_user_id
                                  AND rq.role_id = r.role_id
                                  AND rq.status = 'PENDING');
        END IF;
    END apply_roles;

    -- Validate and insert an account; returns its id.
    FUNCTION insert_user(p_username IN VARCHAR2, p_password_hash IN VARCHAR2, p_full_name IN VARCHAR2,
                         p_email IN VARCHAR2) RETURN NUMBER IS
        l_username VARCHAR2(4000); -- unchecked input: wider than the column until checked
        l_user_id  users.user_id%TYPE;
        l_count    NUMBER;
    BEGIN
        l_username := TRIM(p_username);
        IF NVL(LENGTH(l_username), 0) < 3 OR LENGTH(l_username) > 60 OR INSTR(l_username, ' ') > 0 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'username must be 3 to 60 characters without spaces');
        END IF;
        IF NVL(LENGTH(p_password_hash), 0) = 0 OR LENGTH(p_password_hash) > 255 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'password hash missing');
        END IF;
        IF NVL(LENGTH(TRIM(p_full_name)), 0) = 0 OR LENGTH(TRIM(p_full_name)) > 200 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'full name missing or too long');
        END IF;
        IF LENGTH(p_email) > 254 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'e-mail too long');
        END IF;
        SELECT COUNT(*) INTO l_count FROM users WHERE UPPER(username) = UPPER(l_username);
        IF l_count > 0 THEN
            lib_err.raise_error('USERNAME_TAKEN', l_username);
        END IF;
        BEGIN
            INSERT INTO users (username, password_hash, full_name, email, is_active, account_locked, failed_logins)
            VALUES (l_username, p_password_hash, TRIM(p_full_name), TRIM(p_email), 'Y', 'N', 0)
            RETURNING user_id INTO l_user_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('USERNAME_TAKEN', l_username);
        END;
        RETURN l_user_id;
    END insert_user;

    PROCEDURE check_can_login(p_username IN VARCHAR2, p_user_id OUT NUMBER, p_password_hash OUT VARCHAR2) IS
    BEGIN
        p_user_id := NULL;
        p_password_hash := NULL;
        FOR r_user IN (SELECT user_id, password_hash
                         FROM users
                        WHERE UPPER(username) = UPPER(TRIM(p_username))) LOOP -- names are unique regardless of case
            p_user_id := r_user.user_id;
            p_password_hash := r_user.password_hash;
        END LOOP;
        IF p_user_id IS NULL THEN
            lib_err.raise_error('INVALID_CREDENTIALS', NULL);
        END IF;
    END check_can_login;

    PROCEDURE login_succeeded(p_user_id IN NUMBER, p_session_key IN VARCHAR2, p_kind IN VARCHAR2,
                              p_client IN VARCHAR2, p_lifetime_s IN NUMBER, p_session_id OUT NUMBER) IS
        l_user_id    users.user_id%TYPE := p_user_id;
        l_active     users.is_active%TYPE;
        l_locked     users.account_locked%TYPE;
        l_until      users.locked_until%TYPE;
        l_session_id user_sessions.session_id%TYPE;
        l_now        DATE;
    BEGIN
        IF p_session_key IS NULL OR LENGTH(p_session_key) < 32 OR LENGTH(p_session_key) > 100 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'a session key is 32 to 100 characters');
        END IF;
        IF p_kind IS NULL OR p_kind NOT IN ('API', 'STAFF') THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'session kind must be API or STAFF');
        END IF;
        IF p_lifetime_s IS NULL OR p_lifetime_s < 60 OR p_lifetime_s > 604800 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'a session lasts 60 to 604800 seconds');
        END IF;
        FOR r_user IN (SELECT is_active, account_locked, locked_until FROM users WHERE user_id = l_user_id) LOOP
            l_active := r_user.is_active;
            l_locked := r_user.account_locked;
            l_until := r_user.locked_until;
        END LOOP;
        IF l_active IS NULL THEN
            lib_err.raise_error('USER_NOT_FOUND', 'user ' || TO_CHAR(p_user_id));
        END IF;
        IF l_active <> 'Y' THEN
            lib_err.raise_error('ACCOUNT_INACTIVE', NULL);
        END IF;
        l_now := lib_clock.now_utc();
        IF lock_is_on(l_locked, l_until, l_now) THEN
            lib_err.raise_error('ACCOUNT_LOCKED', 'until ' || NVL(TO_CHAR(l_until, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                                              'an administrator unlocks it'));
        END IF;
        DELETE FROM user_sessions WHERE user_id = l_user_id AND expires_at < l_now - 7;
        INSERT INTO user_sessions (user_id, key_hash, kind, client_addr, created_at, last_seen_at, expires_at)
        VALUES (l_user_id, lib_session.key_hash(p_session_key), p_kind, SUBSTR(p_client, 1, 64), l_now, l_now,
                l_now + p_lifetime_s / 86400)
        RETURNING session_id INTO l_session_id;
        lib_session.set_actor(l_user_id, p_session_key);
        -- bookkeeping columns only, audited as the LOGIN event below; clearing a lock that ran out is an UPDATE
        UPDATE users
           SET failed_logins = 0,
               lockouts = 0,
               last_login_at = l_now
         WHERE user_id = l_user_id;
        IF l_locked = 'Y' THEN
            UPDATE users
               SET account_locked = 'N',
                   locked_at = NULL,
                   locked_until = NULL
             WHERE user_id = l_user_id;
        END IF;
        lib_audit.log_event_by(l_user_id, 'users', l_user_id, 'LOGIN',
                               'session=' || TO_CHAR(l_session_id) || ';kind=' || p_kind);
        p_session_id := l_session_id;
    END login_succeeded;

    PROCEDURE login_failed(p_username IN VARCHAR2, p_locked OUT NUMBER) IS
        l_user_id  users.user_id%TYPE;
        l_failed   users.failed_logins%TYPE;
        l_locked   users.account_locked%TYPE;
        l_until    users.locked_until%TYPE;
        l_lockouts users.lockouts%TYPE;
        l_minutes  NUMBER;
        l_now      DATE;
    BEGIN
        p_locked := 0;
        l_now := lib_clock.now_utc();
        -- while a lock is on a failure counts nothing: guessing on does not make the lock longer
        UPDATE users
           SET failed_logins = CASE WHEN account_locked = 'Y' AND (locked_until IS NULL OR locked_until > l_now)
                                    THEN failed_logins ELSE failed_logins + 1 END
         WHERE UPPER(username) = UPPER(TRIM(p_username))
        RETURNING user_id, failed_logins, account_locked, locked_until, lockouts
             INTO l_user_id, l_failed, l_locked, l_until, l_lockouts;
        IF SQL%ROWCOUNT = 0 THEN
            lib_audit.log_event('users', NULL, 'LOGIN_FAILED', 'unknown username');
            RETURN;
        END IF;
        -- a lock that has ended leaves the count at the limit: the next wrong password locks again, twice as long
        IF NOT lock_is_on(l_locked, l_until, l_now) AND l_failed >= setting_number('MAX_FAILED_LOGINS', 5) THEN
            l_lockouts := l_lockouts + 1;
            l_minutes := LEAST(setting_number('LOCKOUT_MINUTES', 1) * POWER(2, LEAST(l_lockouts - 1, 20)),
                               setting_number('LOCKOUT_MAX_MINUTES', 60));
            l_locked := 'Y';
            l_until := l_now + l_minutes / 1440;
            UPDATE users
               SET account_locked = l_locked,
                   locked_at = l_now,
                   locked_until = l_until,
                   lockouts = l_lockouts
             WHERE user_id = l_user_id;
        END IF;
        IF lock_is_on(l_locked, l_until, l_now) THEN
            p_locked := 1;
        END IF;
        lib_audit.log_event('users', l_user_id, 'LOGIN_FAILED',
                            'failed_logins=' || TO_CHAR(l_failed) || ';account_locked=' || l_locked
                            || ';locked_until=' || NVL(TO_CHAR(l_until, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '-'));
    END login_failed;

    PROCEDURE end_sessions(p_user_id IN NUMBER) IS
        l_user_id users.user_id%TYPE := p_user_id;
        l_actor   users.user_id%TYPE;
    BEGIN
        l_actor := lib_session.actor();
        IF l_actor IS NULL OR l_actor <> l_user_id THEN
            require_permission('USER_ADMIN');
        END IF;
        assert_user(l_user_id);
        revoke_sessions(l_user_id, 'ENDED');
    END end_sessions;

    PROCEDURE set_home_branch(p_user_id IN NUMBER, p_branch_id IN NUMBER) IS
        l_user_id   users.user_id%TYPE := p_user_id;
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        l_count     NUMBER;
    BEGIN
        require_permission('USER_ADMIN');
        assert_user(l_user_id);
        IF l_branch_id IS NOT NULL THEN
            SELECT COUNT(*) INTO l_count FROM branches WHERE branch_id = l_branch_id;
            IF l_count = 0 THEN
                lib_err.raise_error('BRANCH_NOT_FOUND', 'branch ' || TO_CHAR(p_branch_id));
            END IF;
        END IF;
        SELECT COUNT(*)
          INTO l_count
          FROM users
         WHERE user_id = l_user_id
           AND (home_branch_id <> l_branch_id OR (home_branch_id IS NULL AND l_branch_id IS NOT NULL)
                OR (home_branch_id IS NOT NULL AND l_branch_id IS NULL));
        IF l_count = 0 THEN
            RETURN; -- unchanged (an edit form saved as it was)
        END IF;
        -- the home branch scopes branch_only permissions: as for roles, another administrator changes one's own
        IF l_user_id = lib_session.actor() THEN
            lib_err.raise_error('OWN_ROLES_CHANGE', 'home branch of user ' || TO_CHAR(p_user_id));
        END IF;
        UPDATE users SET home_branch_id = l_branch_id WHERE user_id = l_user_id;
        revoke_sessions(l_user_id, 'ROLES');
    END set_home_branch;

    PROCEDURE unlock_account(p_user_id IN NUMBER) IS
        l_user_id users.user_id%TYPE := p_user_id;
    BEGIN
        require_permission('USER_ADMIN');
        UPDATE users
           SET account_locked = 'N',
               locked_at = NULL,
               locked_until = NULL,
               lockouts = 0,
               failed_logins = 0
         WHERE user_id = l_user_id;
        IF SQL%ROWCOUNT = 0 THEN
            lib_err.raise_error('USER_NOT_FOUND', 'user ' || TO_CHAR(p_user_id));
        END IF;
    END unlock_account;

    PROCEDURE set_active(p_user_id IN NUMBER, p_active IN VARCHAR2) IS
        l_user_id users.user_id%TYPE := p_user_id;
    BEGIN
        require_permission('USER_ADMIN');
        IF p_active IS NULL OR p_active NOT IN ('Y', 'N') THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'active must be Y or N');
        END IF;
        assert_user(l_user_id);
        IF p_active = 'N' AND l_user_id = lib_session.actor() THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'an administrator cannot deactivate their own account');
        END IF;
        UPDATE users SET is_active = p_active WHERE user_id = l_user_id;
        IF p_active = 'N' THEN -- nothing waits to be granted to a closed account
            UPDATE role_requests
               SET status = 'CANCELLED',
                   decided_by = lib_session.actor(),
                   decided_at = lib_clock.now_utc()
             WHERE user_id = l_user_id
               AND status = 'PENDING';
            revoke_sessions(l_user_id, 'DEACTIVATED');
        END IF;
    END set_active;

    PROCEDURE deactivate_user(p_user_id IN NUMBER) IS
    BEGIN
        set_active(p_user_id, 'N');
    END deactivate_user;

    PROCEDURE set_roles(p_user_id IN NUMBER, p_roles IN VARCHAR2) IS
        l_user_id users.user_id%TYPE := p_user_id;
        l_list    VARCHAR2(4000);
    BEGIN
        require_permission('USER_ADMIN');
        assert_user(l_user_id);
        l_list := role_list(p_roles);
        check_roles(l_list);
        -- separation of duties: an administrator's own roles are changed by another administrator
        -- (the same list again changes nothing and is accepted, e.g. an edit form saved unchanged)
        IF l_user_id = lib_session.actor() THEN
            IF roles_change(l_user_id, l_list) = 1 THEN
                lib_err.raise_error('OWN_ROLES_CHANGE', 'user ' || TO_CHAR(p_user_id));
            END IF;
            RETURN;
        END IF;
        apply_roles(l_user_id, l_list);
    END set_roles;

    PROCEDURE approve_role_request(p_request_id IN NUMBER) IS
        l_request_id role_requests.request_id%TYPE := p_request_id;
        l_actor      users.user_id%TYPE;
        l_status     role_requests.status%TYPE;
        l_user_id    role_requests.user_id%TYPE;
        l_role_id    role_requests.role_id%TYPE;
        l_requester  role_requests.requested_by%TYPE;
        l_now        role_requests.decided_at%TYPE;
    BEGIN
        require_permission('USER_ADMIN');
        FOR r_request IN (SELECT status, user_id, role_id, requested_by
                            FROM role_requests
                           WHERE request_id = l_request_id
                             FOR UPDATE) LOOP
            l_status := r_request.status;
            l_user_id := r_request.user_id;
            l_role_id := r_request.role_id;
            l_requester := r_request.requested_by;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('ROLE_REQUEST_NOT_FOUND', 'request ' || TO_CHAR(p_request_id));
        END IF;
        IF l_status <> 'PENDING' THEN
            lib_err.raise_error('ROLE_REQUEST_NOT_PENDING', 'request ' || TO_CHAR(p_request_id) || ' is ' || l_status);
        END IF;
        -- the second pair of eyes: a named administrator other than the requester and the grantee
        l_actor := lib_session.actor();
        IF l_actor IS NULL OR l_actor = l_requester OR l_actor = l_user_id THEN
            lib_err.raise_error('SECOND_APPROVER_REQUIRED', 'request ' || TO_CHAR(p_request_id));
        END IF;
        l_now := lib_clock.now_utc();
        UPDATE role_requests
           SET status = 'APPROVED',
               decided_by = l_actor,
               decided_at = l_now
         WHERE request_id = l_request_id;
        INSERT INTO user_roles (user_id, role_id, granted_at, granted_by)
        SELECT l_user_id, l_role_id, l_now, l_actor
          FROM roles r
         WHERE r.role_id = l_role_id
           AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = l_user_id AND ur.role_id = l_role_id);
        IF SQL%ROWCOUNT > 0 THEN -- the grantee signs in again to act with the role
            revoke_sessions(l_user_id, 'ROLES');
        END IF;
    END approve_role_request;

    PROCEDURE reject_role_request(p_request_id IN NUMBER) IS
        l_request_id role_requests.request_id%TYPE := p_request_id;
        l_status     role_requests.status%TYPE;
    BEGIN
        require_permission('USER_ADMIN');
        FOR r_request IN (SELECT status FROM role_requests WHERE request_id = l_request_id FOR UPDATE) LOOP
            l_status := r_request.status;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('ROLE_REQUEST_NOT_FOUND', 'request ' || TO_CHAR(p_request_id));
        END IF;
        IF l_status <> 'PENDING' THEN
            lib_err.raise_error('ROLE_REQUEST_NOT_PENDING', 'request ' || TO_CHAR(p_request_id) || ' is ' || l_status);
        END IF;
        UPDATE role_requests
           SET status = 'REJECTED',
               decided_by = lib_session.actor(),
               decided_at = lib_clock.now_utc()
         WHERE request_id = l_request_id;
    END reject_role_request;

    PROCEDURE update_user(p_user_id IN NUMBER, p_full_name IN VARCHAR2, p_email IN VARCHAR2) IS
        l_user_id users.user_id%TYPE := p_user_id;
        l_email   users.email%TYPE;
    BEGIN
        require_permission('USER_ADMIN');
        IF NVL(LENGTH(TRIM(p_full_name)), 0) = 0 OR LENGTH(TRIM(p_full_name)) > 200 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'full name missing or too long');
        END IF;
        IF LENGTH(TRIM(p_email)) > 254 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'e-mail too long');
        END IF;
        IF NVL(LENGTH(TRIM(p_email)), 0) > 0 THEN
            l_email := TRIM(p_email);
        END IF;
        UPDATE users
           SET full_name = TRIM(p_full_name),
               email = l_email
         WHERE user_id = l_user_id;
        IF SQL%ROWCOUNT = 0 THEN
            lib_err.raise_error('USER_NOT_FOUND', 'user ' || TO_CHAR(p_user_id));
        END IF;
    END update_user;

    PROCEDURE create_user(p_username IN VARCHAR2, p_password_hash IN VARCHAR2, p_full_name IN VARCHAR2,
                          p_email IN VARCHAR2, p_roles IN VARCHAR2, p_user_id OUT NUMBER) IS
        l_user_id users.user_id%TYPE;
        l_list    VARCHAR2(4000);
    BEGIN
        require_permission('USER_ADMIN');
        l_list := role_list(p_roles);
        check_roles(l_list);
        l_user_id := insert_user(p_username, p_password_hash, p_full_name, p_email);
        apply_roles(l_user_id, l_list);
        p_user_id := l_user_id;
    END create_user;

    PROCEDURE set_password(p_user_id IN NUMBER, p_password_hash IN VARCHAR2) IS
        l_user_id users.user_id%TYPE := p_user_id;
        l_actor   users.user_id%TYPE;
    BEGIN
        l_actor := lib_session.actor();
        IF l_actor IS NULL OR l_actor <> l_user_id THEN
            require_permission('USER_ADMIN');
        END IF;
        IF NVL(LENGTH(p_password_hash), 0) = 0 OR LENGTH(p_password_hash) > 255 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'password hash missing');
        END IF;
        UPDATE users SET password_hash = p_password_hash WHERE user_id = l_user_id;
        IF SQL%ROWCOUNT = 0 THEN
            lib_err.raise_error('USER_NOT_FOUND', 'user ' || TO_CHAR(p_user_id));
        END IF;
        revoke_sessions(l_user_id, 'PASSWORD');
    END set_password;

    PROCEDURE create_patron_account(p_username IN VARCHAR2, p_password_hash IN VARCHAR2, p_full_name IN VARCHAR2,
                                    p_email IN VARCHAR2, p_user_id OUT NUMBER) IS
        l_user_id users.user_id%TYPE;
    BEGIN
        l_user_id := insert_user(p_username, p_password_hash, p_full_name, p_email);
        apply_roles(l_user_id, role_list('PATRON'));
        p_user_id := l_user_id;
    END create_patron_account;

END lib_auth;
/
