-- 009_notice_delivery: the notice outbox is delivered (issue 15).
-- 1. notices gets the sender's state: statuses SENDING (claimed under a lease), DEAD (dead letter) and
--    SKIPPED (nothing to send) beside PENDING, SENT, FAILED (now: retried later); attempts, next_attempt_at
--    (the queue's order, index notices_queue_i), lease_until, attempt_id, last_attempt_at,
--    provider_message_id, possible_duplicate. Rows FAILED before this version meant "gave up": DEAD now.
-- 2. The sender's service account: permission NOTICE_SEND, role NOTICE_SENDER, user notice_sender with no
--    usable password (set by `scripts/ils notices credentials` or an IT admin), so the worker acts through
--    the application role with that one permission (lib_outbox).
-- 3. Setting NOTICE_MAX_ATTEMPTS; error codes -20970 NOTICE_NOT_FOUND, -20971 NOTICE_NOT_DEAD.
-- Oracle text (the PostgreSQL one is 009_notice_delivery.postgres.sql).

ALTER TABLE notices ADD (attempts NUMBER(5) DEFAULT 0 NOT NULL, next_attempt_at DATE DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP) NOT NULL, lease_until DATE, attempt_id VARCHAR2(64 CHAR), last_attempt_at DATE, provider_message_id VARCHAR2(200 CHAR), possible_duplicate CHAR(1 CHAR) DEFAULT 'N' NOT NULL);
UPDATE notices SET status = 'DEAD' WHERE status = 'FAILED';
ALTER TABLE notices DROP CONSTRAINT notices_status_ck;
ALTER TABLE notices ADD CONSTRAINT notices_status_ck CHECK ((status IN ('PENDING', 'SENDING', 'SENT', 'FAILED', 'DEAD', 'SKIPPED')));
ALTER TABLE notices ADD CONSTRAINT notices_attempts_ck CHECK ((attempts >= 0));
ALTER TABLE notices ADD CONSTRAINT notices_lease_ck CHECK ((status <> 'SENDING' OR (lease_until IS NOT NULL AND attempt_id IS NOT NULL)));
ALTER TABLE notices ADD CONSTRAINT notices_duplicate_ck CHECK ((possible_duplicate IN ('Y', 'N')));
CREATE INDEX notices_queue_i ON notices (status, next_attempt_at);
COMMENT ON COLUMN notices.status IS 'PENDING = waiting for the sender, SENDING = claimed by a sender until lease_until, SENT = accepted by the mail provider (sent_at set), FAILED = an attempt failed, retried from next_attempt_at, DEAD = dead letter: a permanent failure or NOTICE_MAX_ATTEMPTS attempts (error_text says why; an IT admin retries or discards it), SKIPPED = nothing to send (no e-mail address, opted out, undeliverable, discarded: error_text says why).';
COMMENT ON COLUMN notices.error_text IS 'Why the last delivery attempt failed, or why the notice was skipped; NULL when none failed.';
COMMENT ON COLUMN notices.attempts IS 'Delivery attempts so far: each claim by a sender counts one.';
COMMENT ON COLUMN notices.next_attempt_at IS 'When a sender may claim the notice (UTC): creation for PENDING, the backoff''s end for FAILED, lease_until for SENDING.';
COMMENT ON COLUMN notices.lease_until IS 'End of the claim of the sender working on it (UTC), set while SENDING: a notice still SENDING after it is claimed again and flagged possible_duplicate.';
COMMENT ON COLUMN notices.attempt_id IS 'Random id of the current or last claim, also sent to the mail provider (custom_args) to tell attempts apart.';
COMMENT ON COLUMN notices.last_attempt_at IS 'When the last attempt was claimed or failed (UTC), NULL before the first.';
COMMENT ON COLUMN notices.provider_message_id IS 'Message id the mail provider answered (SendGrid X-Message-Id), NULL until SENT.';
COMMENT ON COLUMN notices.possible_duplicate IS 'Y = a sender lost its lease while SENDING (crashed or hung after or during the provider call), so the patron may get this notice twice; N = not known to be.';

INSERT INTO permissions (code, description) VALUES ('NOTICE_SEND', 'Claim notices of the outbox and record their delivery (the sender worker''s service account)');
INSERT INTO roles (code, name, description) VALUES ('NOTICE_SENDER', 'Notice sender', 'Service account of the sender worker: delivers the notice outbox and nothing else');
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.role_id, p.permission_id FROM roles r CROSS JOIN permissions p
 WHERE r.code = 'NOTICE_SENDER' AND p.code = 'NOTICE_SEND';
INSERT INTO users (username, password_hash, full_name) VALUES ('notice_sender', '!', 'Notice sender (service account)');
INSERT INTO user_roles (user_id, role_id)
SELECT u.user_id, r.role_id FROM users u CROSS JOIN roles r WHERE u.username = 'notice_sender' AND r.code = 'NOTICE_SENDER';
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('NOTICE_MAX_ATTEMPTS', '8', 'Delivery attempts of a notice before it becomes a dead letter', 'INTEGER', 1, 50);

INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20970, 'NOTICE_NOT_FOUND', 404, 'No such notice.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20971, 'NOTICE_NOT_DEAD', 409, 'The notice is not a dead letter: only dead letters are retried or discarded.');
