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

    PROCEDURE require_permission(p_code IN VARCHAR2) IS
        l_actor users.user_id%TYPE;
    BEGIN
        l_actor := lib_session.actor();
        IF l_actor IS NOT NULL AND has_permission(l_actor, p_code) = 0 THEN
            lib_err.raise_error('PERMISSION_DENIED', p_code);
        END IF;
    END require_permission;

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
    -- is no actor (install scripts, a DBA at the console), are granted at once.
    PROCEDURE apply_roles(p_user_id IN users.user_id%TYPE, p_list IN VARCHAR2) IS
        l_now   user_roles.granted_at%TYPE;
        l_actor users.user_id%TYPE;
    BEGIN
        l_now := lib_clock.now_utc();
        l_actor := lib_session.actor();
        DELETE FROM user_roles
         WHERE user_id = p_user_id
           AND role_id IN (SELECT r.role_id FROM roles r WHERE INSTR(p_list, ',' || r.code || ',') = 0);
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
        l_is_active users.is_active%TYPE;
        l_locked    users.account_locked%TYPE;
    BEGIN
        p_user_id := NULL;
        p_password_hash := NULL;
        FOR r_user IN (SELECT user_id, password_hash, is_active, account_locked
                         FROM users
                        WHERE UPPER(username) = UPPER(TRIM(p_username))) LOOP -- names are unique regardless of case
            p_user_id := r_user.user_id;
            p_password_hash := r_user.password_hash;
            l_is_active := r_user.is_active;
            l_locked := r_user.account_locked;
        END LOOP;
        IF p_user_id IS NULL THEN
            lib_err.raise_error('INVALID_CREDENTIALS', NULL);
        ELSIF l_locked = 'Y' THEN
            lib_err.raise_error('ACCOUNT_LOCKED', NULL);
        ELSIF l_is_active <> 'Y' THEN
            lib_err.raise_error('ACCOUNT_INACTIVE', NULL);
        END IF;
    END check_can_login;

    PROCEDURE login_succeeded(p_user_id IN NUMBER) IS
        l_user_id users.user_id%TYPE := p_user_id;
    BEGIN
        UPDATE users
           SET failed_logins = 0,
               last_login_at = lib_clock.now_utc()
         WHERE user_id = l_user_id;
        IF SQL%ROWCOUNT = 0 THEN
            lib_err.raise_error('USER_NOT_FOUND', 'user ' || TO_CHAR(p_user_id));
        END IF;
        lib_audit.log_event_by(l_user_id, 'users', l_user_id, 'LOGIN', NULL);
    END login_succeeded;

    PROCEDURE login_failed(p_username IN VARCHAR2, p_locked OUT NUMBER) IS
        l_user_id users.user_id%TYPE;
        l_failed  users.failed_logins%TYPE;
        l_locked  users.account_locked%TYPE;
        l_max     NUMBER;
    BEGIN
        p_locked := 0;
        UPDATE users
           SET failed_logins = failed_logins + 1
         WHERE UPPER(username) = UPPER(TRIM(p_username))
        RETURNING user_id, failed_logins, account_locked INTO l_user_id, l_failed, l_locked;
        IF SQL%ROWCOUNT = 0 THEN
            lib_audit.log_event('users', NULL, 'LOGIN_FAILED', 'unknown username');
            RETURN;
        END IF;
        l_max := setting_number('MAX_FAILED_LOGINS', 5);
        IF l_locked = 'N' AND l_failed >= l_max THEN
            UPDATE users
               SET account_locked = 'Y',
                   locked_at = lib_clock.now_utc()
             WHERE user_id = l_user_id;
            l_locked := 'Y';
        END IF;
        IF l_locked = 'Y' THEN
            p_locked := 1;
        END IF;
        lib_audit.log_event('users', l_user_id, 'LOGIN_FAILED',
                            'failed_logins=' || TO_CHAR(l_failed) || ';account_locked=' || l_locked);
    END login_failed;

    PROCEDURE unlock_account(p_user_id IN NUMBER) IS
        l_user_id users.user_id%TYPE := p_user_id;
    BEGIN
        require_permission('USER_ADMIN');
        UPDATE users
           SET account_locked = 'N',
               locked_at = NULL,
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
    END set_password;

    PROCEDURE register_patron_account(p_username IN VARCHAR2, p_password_hash IN VARCHAR2,
                                      p_full_name IN VARCHAR2, p_email IN VARCHAR2,
                                      p_user_id OUT NUMBER, p_patron_id OUT NUMBER) IS
        l_full_name users.full_name%TYPE;
        l_space     PLS_INTEGER;
        l_first     patrons.first_name%TYPE;
        l_last      patrons.last_name%TYPE;
        l_user_id   users.user_id%TYPE;
    BEGIN
        IF NVL(LENGTH(TRIM(p_email)), 0) = 0 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'e-mail required');
        END IF;
        l_user_id := insert_user(p_username, p_password_hash, p_full_name, p_email);
        p_user_id := l_user_id;
        apply_roles(l_user_id, role_list('PATRON'));
        l_full_name := TRIM(p_full_name);
        l_space := INSTR(l_full_name, ' ', -1);
        IF l_space > 0 THEN
            l_first := SUBSTR(TRIM(SUBSTR(l_full_name, 1, l_space - 1)), 1, 100);
            l_last := SUBSTR(SUBSTR(l_full_name, l_space + 1), 1, 100);
        ELSE
            l_first := SUBSTR(l_full_name, 1, 100);
            l_last := SUBSTR(l_full_name, 1, 100);
        END IF;
        lib_patrons.register_for_user(l_user_id, l_first, l_last, p_email, p_patron_id);
    END register_patron_account;

END lib_auth;
/
