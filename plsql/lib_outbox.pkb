CREATE OR REPLACE PACKAGE BODY lib_outbox AS

    -- A numeric setting of app_settings, p_default when missing.
    FUNCTION setting_num(p_name IN VARCHAR2, p_default IN NUMBER) RETURN NUMBER IS
        l_value app_settings.value%TYPE;
    BEGIN
        SELECT MAX(s.value) INTO l_value FROM app_settings s WHERE s.name = p_name;
        IF l_value IS NULL THEN
            RETURN p_default;
        END IF;
        RETURN TO_NUMBER(l_value);
    END setting_num;

    -- Lock a notice and return its status; NOTICE_NOT_FOUND when there is none.
    FUNCTION lock_notice(p_notice_id IN notices.notice_id%TYPE) RETURN VARCHAR2 IS
        l_status notices.status%TYPE := NULL;
    BEGIN
        FOR r IN (SELECT status FROM notices WHERE notice_id = p_notice_id FOR UPDATE) LOOP
            l_status := r.status;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('NOTICE_NOT_FOUND', 'notice ' || TO_CHAR(p_notice_id));
        END IF;
        RETURN l_status;
    END lock_notice;

    -- Whether the notice is SENDING under this claim (a stale sender must not overwrite a newer claim).
    FUNCTION holds_claim(p_notice_id IN notices.notice_id%TYPE, p_attempt_id IN VARCHAR2) RETURN BOOLEAN IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*)
          INTO l_count
          FROM notices
         WHERE notice_id = p_notice_id
           AND status = 'SENDING'
           AND attempt_id = p_attempt_id;
        RETURN l_count > 0;
    END holds_claim;

    PROCEDURE claim(p_max IN NUMBER, p_lease_s IN NUMBER, p_attempt_id IN VARCHAR2, p_claimed OUT NUMBER) IS
        l_now          DATE;
        l_lease        DATE;
        l_max_attempts NUMBER;
        l_count        NUMBER := 0;
    BEGIN
        lib_auth.require_permission('NOTICE_SEND');
        IF p_max IS NULL OR p_max < 1 OR p_max > 500 OR p_lease_s IS NULL OR p_lease_s < 5 OR p_lease_s > 3600
           OR NVL(LENGTH(p_attempt_id), 0) < 8 OR LENGTH(p_attempt_id) > 64 THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'claim: 1 to 500 notices, a lease of 5 to 3600 s, an id of 8 to 64 characters');
        END IF;
        l_now := lib_clock.now_utc();
        l_lease := l_now + p_lease_s / 86400;
        l_max_attempts := setting_num('NOTICE_MAX_ATTEMPTS', 8);
        FOR r IN (SELECT notice_id, status, attempts
                    FROM notices
                   WHERE status IN ('PENDING', 'FAILED', 'SENDING')
                     AND next_attempt_at <= l_now
                   ORDER BY next_attempt_at, notice_id
                     FOR UPDATE SKIP LOCKED) LOOP
            IF r.status = 'SENDING' AND r.attempts >= l_max_attempts THEN
                UPDATE notices
                   SET status = 'DEAD', lease_until = NULL, next_attempt_at = l_now, possible_duplicate = 'Y',
                       error_text = 'the sender''s lease ran out on the last allowed attempt'
                 WHERE notice_id = r.notice_id;
            ELSE
                UPDATE notices
                   SET status = 'SENDING', attempts = attempts + 1, lease_until = l_lease,
                       next_attempt_at = l_lease, attempt_id = p_attempt_id, last_attempt_at = l_now,
                       possible_duplicate = CASE WHEN r.status = 'SENDING' THEN 'Y' ELSE possible_duplicate END
                 WHERE notice_id = r.notice_id;
                l_count := l_count + 1;
                EXIT WHEN l_count >= p_max;
            END IF;
        END LOOP;
        p_claimed := l_count;
    END claim;

    PROCEDURE mark_sent(p_notice_id IN NUMBER, p_attempt_id IN VARCHAR2, p_message_id IN VARCHAR2) IS
        l_id     notices.notice_id%TYPE;
        l_status notices.status%TYPE;
        l_now    DATE;
    BEGIN
        lib_auth.require_permission('NOTICE_SEND');
        l_id := p_notice_id;
        l_status := lock_notice(l_id);
        IF l_status = 'SENT' THEN
            RETURN;
        END IF;
        l_now := lib_clock.now_utc();
        UPDATE notices
           SET status = 'SENT', sent_at = l_now, provider_message_id = SUBSTR(p_message_id, 1, 200),
               attempt_id = SUBSTR(p_attempt_id, 1, 64), lease_until = NULL, next_attempt_at = l_now,
               error_text = NULL
         WHERE notice_id = l_id;
    END mark_sent;

    PROCEDURE mark_failed(p_notice_id IN NUMBER, p_attempt_id IN VARCHAR2, p_error IN VARCHAR2,
                          p_permanent IN NUMBER, p_maybe_sent IN NUMBER, p_delay_s IN NUMBER,
                          p_status OUT VARCHAR2) IS
        l_id       notices.notice_id%TYPE;
        l_status   notices.status%TYPE;
        l_attempts notices.attempts%TYPE;
        l_delay    NUMBER;
        l_now      DATE;
    BEGIN
        lib_auth.require_permission('NOTICE_SEND');
        l_id := p_notice_id;
        l_status := lock_notice(l_id);
        p_status := l_status;
        IF NOT holds_claim(l_id, p_attempt_id) THEN
            RETURN;
        END IF;
        SELECT attempts INTO l_attempts FROM notices WHERE notice_id = l_id;
        l_now := lib_clock.now_utc();
        IF NVL(p_permanent, 0) = 1 OR l_attempts >= setting_num('NOTICE_MAX_ATTEMPTS', 8) THEN
            p_status := 'DEAD';
            l_delay := 0;
        ELSE
            p_status := 'FAILED';
            l_delay := LEAST(GREATEST(NVL(p_delay_s, 60), 1), 86400);
        END IF;
        UPDATE notices
           SET status = p_status, lease_until = NULL, last_attempt_at = l_now,
               next_attempt_at = l_now + l_delay / 86400,
               possible_duplicate = CASE WHEN NVL(p_maybe_sent, 0) = 1 THEN 'Y' ELSE possible_duplicate END,
               error_text = NVL(SUBSTR(p_error, 1, 400), 'failed')
         WHERE notice_id = l_id;
    END mark_failed;

    PROCEDURE mark_skipped(p_notice_id IN NUMBER, p_attempt_id IN VARCHAR2, p_reason IN VARCHAR2) IS
        l_id     notices.notice_id%TYPE;
        l_status notices.status%TYPE;
    BEGIN
        lib_auth.require_permission('NOTICE_SEND');
        l_id := p_notice_id;
        l_status := lock_notice(l_id);
        IF l_status = 'SENDING' AND holds_claim(l_id, p_attempt_id) THEN
            UPDATE notices
               SET status = 'SKIPPED', lease_until = NULL, next_attempt_at = lib_clock.now_utc(),
                   error_text = NVL(SUBSTR(p_reason, 1, 400), 'nothing to send')
             WHERE notice_id = l_id;
        END IF;
    END mark_skipped;

    PROCEDURE retry_dead(p_notice_id IN NUMBER) IS
        l_id notices.notice_id%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_HEALTH');
        l_id := p_notice_id;
        IF lock_notice(l_id) <> 'DEAD' THEN
            lib_err.raise_error('NOTICE_NOT_DEAD', 'notice ' || TO_CHAR(l_id));
        END IF;
        UPDATE notices
           SET status = 'PENDING', attempts = 0, next_attempt_at = lib_clock.now_utc(), lease_until = NULL,
               error_text = NULL
         WHERE notice_id = l_id;
    END retry_dead;

    PROCEDURE discard_dead(p_notice_id IN NUMBER) IS
        l_id notices.notice_id%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_HEALTH');
        l_id := p_notice_id;
        IF lock_notice(l_id) <> 'DEAD' THEN
            lib_err.raise_error('NOTICE_NOT_DEAD', 'notice ' || TO_CHAR(l_id));
        END IF;
        UPDATE notices
           SET status = 'SKIPPED', lease_until = NULL, next_attempt_at = lib_clock.now_utc(),
               error_text = SUBSTR('discarded: ' || error_text, 1, 400)
         WHERE notice_id = l_id;
    END discard_dead;

END lib_outbox;
/
