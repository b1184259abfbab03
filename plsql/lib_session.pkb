CREATE OR REPLACE PACKAGE BODY lib_session AS

    -- The key of the session set_actor accepted and its user, NULL = no actor. Package state is private
    -- on both engines (on PostgreSQL a temporary table of the owner's, database/postgres/compat.sql), so
    -- actor() answers the user set_actor checked without looking the session up again: the audit trigger
    -- asks once per row written.
    g_session_key VARCHAR2(100);
    g_actor_id    NUMBER;

    FUNCTION key_hash(p_session_key IN VARCHAR2) RETURN VARCHAR2 IS
        l_hash user_sessions.key_hash%TYPE;
    BEGIN
        IF p_session_key IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT RAWTOHEX(STANDARD_HASH(p_session_key, 'SHA256')) INTO l_hash FROM dual;
        RETURN l_hash;
    END key_hash;

    PROCEDURE set_actor(p_user_id IN NUMBER, p_session_key IN VARCHAR2) IS
        l_user_id    users.user_id%TYPE := p_user_id;
        l_hash       user_sessions.key_hash%TYPE;
        l_session_id user_sessions.session_id%TYPE;
        l_owner      user_sessions.user_id%TYPE;
        l_expires    user_sessions.expires_at%TYPE;
        l_revoked    user_sessions.revoked_at%TYPE;
        l_seen       user_sessions.last_seen_at%TYPE;
        l_active     users.is_active%TYPE;
        l_now        DATE;
    BEGIN
        g_session_key := NULL; -- a refused session leaves no actor of an earlier transaction behind
        g_actor_id := NULL;
        lib_search.abandon_bulk_work(); -- bulk work never outlives its transaction
        IF l_user_id IS NULL THEN
            RETURN;
        END IF;
        IF p_session_key IS NULL OR LENGTH(p_session_key) > 100 THEN -- no key issued is longer
            lib_err.raise_error('SESSION_INVALID', NULL);
        END IF;
        l_hash := key_hash(p_session_key);
        FOR r_session IN (SELECT s.session_id, s.user_id, s.expires_at, s.revoked_at, s.last_seen_at, u.is_active
                            FROM user_sessions s
                            JOIN users u ON u.user_id = s.user_id
                           WHERE s.key_hash = l_hash) LOOP
            l_session_id := r_session.session_id;
            l_owner := r_session.user_id;
            l_expires := r_session.expires_at;
            l_revoked := r_session.revoked_at;
            l_seen := r_session.last_seen_at;
            l_active := r_session.is_active;
        END LOOP;
        -- another user's session is refused as an unknown one: the answer tells nothing about it
        IF l_session_id IS NULL OR l_owner <> l_user_id THEN
            lib_err.raise_error('SESSION_INVALID', NULL);
        END IF;
        IF l_revoked IS NOT NULL OR l_active <> 'Y' THEN
            lib_err.raise_error('SESSION_ENDED', NULL);
        END IF;
        l_now := lib_clock.now_utc();
        IF l_expires <= l_now THEN
            lib_err.raise_error('SESSION_EXPIRED', NULL);
        END IF;
        -- last seen to within five minutes, not one write per request (minutes, not 5 / 1440: PostgreSQL
        -- divides integers as integers)
        IF (l_now - l_seen) * 1440 >= 5 THEN
            UPDATE user_sessions SET last_seen_at = l_now WHERE session_id = l_session_id;
        END IF;
        g_session_key := p_session_key;
        g_actor_id := l_owner;
    END set_actor;

    PROCEDURE clear_actor IS
    BEGIN
        g_session_key := NULL;
        g_actor_id := NULL;
        lib_search.abandon_bulk_work();
    END clear_actor;

    FUNCTION actor RETURN NUMBER IS
        l_user_id users.user_id%TYPE;
        l_now     DATE;
        l_key     VARCHAR2(100);
    BEGIN
        l_user_id := g_actor_id;
        IF l_user_id IS NOT NULL THEN
            RETURN l_user_id; -- checked by set_actor; the rest of its transaction acts as that user
        END IF;
        l_key := g_session_key; -- read once: on PostgreSQL each read of a package variable is a function call
        IF NVL(LENGTH(l_key), 0) = 0 THEN
            RETURN NULL;
        END IF;
        l_now := lib_clock.now_utc();
        -- not revoked_at: a password change ends the acting session too, and the rest of its
        -- transaction still acts (and is audited) as that user
        SELECT MAX(s.user_id)
          INTO l_user_id
          FROM user_sessions s
         WHERE s.key_hash = RAWTOHEX(STANDARD_HASH(l_key, 'SHA256'))
           AND s.expires_at > l_now;
        IF l_user_id IS NULL THEN
            lib_err.raise_error('SESSION_INVALID', NULL);
        END IF;
        RETURN l_user_id;
    END actor;

    FUNCTION system_caller RETURN BOOLEAN IS
    BEGIN
        -- inside this definer-rights package CURRENT_USER is the owner, SESSION_USER whoever logged in
        RETURN SYS_CONTEXT('USERENV', 'SESSION_USER') = SYS_CONTEXT('USERENV', 'CURRENT_USER');
    END system_caller;

    PROCEDURE end_session IS
        l_hash user_sessions.key_hash%TYPE;
    BEGIN
        IF NVL(LENGTH(g_session_key), 0) = 0 THEN -- not IS NULL: ora2pg compares a package variable with ''
            RETURN;
        END IF;
        l_hash := key_hash(g_session_key);
        UPDATE user_sessions
           SET revoked_at = lib_clock.now_utc(),
               revoked_reason = 'LOGOUT'
         WHERE key_hash = l_hash
           AND revoked_at IS NULL;
    END end_session;

END lib_session;
/
