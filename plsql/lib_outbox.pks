CREATE OR REPLACE PACKAGE lib_outbox AS
    /**
     * Delivery of the notice outbox (the notices table): the sender worker (workers/sender.py) claims due
     * notices, sends them and records the outcome here; IT admins retry or discard dead letters.
     * Life of a notice: PENDING -> SENDING (claimed under a lease, committed before the provider is called)
     * -> SENT | FAILED (retried from next_attempt_at) | DEAD (dead letter) | SKIPPED (nothing to send).
     * A notice still SENDING when its lease runs out (its sender died or hung, before or after the
     * provider accepted the mail) is claimed again and flagged possible_duplicate: the mail provider has
     * no idempotency key, so a notice reaches the patron at least once and at most twice when a sender
     * dies between the provider's answer and mark_sent.
     * The sender acts as a service account holding NOTICE_SEND (role NOTICE_SENDER), under its own
     * session, through the application role; SYS_HEALTH (IT administrators) retries and discards dead
     * letters.
     */

    /**
     * Claim up to p_max due notices for one sender: PENDING and FAILED ones whose next_attempt_at has
     * come and SENDING ones whose lease ran out (flagged possible_duplicate), oldest due first, skipping
     * rows another sender has locked (FOR UPDATE SKIP LOCKED). Each becomes SENDING with lease_until =
     * now + p_lease_s and attempt_id = p_attempt_id, its attempts counted; read them back with
     * `status = 'SENDING' AND attempt_id = p_attempt_id`. A SENDING notice whose lease ran out on its
     * NOTICE_MAX_ATTEMPTS-th attempt becomes DEAD instead. The caller commits before sending.
     * @param p_max        most notices to claim, 1 to 500
     * @param p_lease_s    seconds the claim lasts, 5 to 3600: longer than one provider call may take
     * @param p_attempt_id a random id of this claim, 8 to 64 characters, sent along with each mail
     * @param p_claimed    OUT the number of notices claimed
     * @throws -20411 PERMISSION_DENIED the actor lacks NOTICE_SEND
     * @throws -20903 INVALID_ARGUMENT a count, lease or id out of range
     */
    PROCEDURE claim(p_max IN NUMBER, p_lease_s IN NUMBER, p_attempt_id IN VARCHAR2, p_claimed OUT NUMBER);

    /**
     * The provider accepted the mail: SENT with its message id. Also after the lease ran out or another
     * sender claimed it again (the mail did go out); a notice already SENT keeps its first message id.
     * @param p_notice_id  notices.notice_id
     * @param p_attempt_id the claim the mail was sent under
     * @param p_message_id the provider's message id, NULL when it gave none
     * @throws -20411 PERMISSION_DENIED the actor lacks NOTICE_SEND
     * @throws -20970 NOTICE_NOT_FOUND
     */
    PROCEDURE mark_sent(p_notice_id IN NUMBER, p_attempt_id IN VARCHAR2, p_message_id IN VARCHAR2);

    /**
     * The attempt failed. Unless p_permanent, and while attempts stay under NOTICE_MAX_ATTEMPTS, the
     * notice becomes FAILED and due again in p_delay_s seconds (the caller's backoff with jitter, or the
     * provider's Retry-After; 1 second to 1 day); else DEAD with the error. Changes nothing when the
     * notice is no longer SENDING under p_attempt_id (its lease ran out and another claim owns it).
     * @param p_notice_id  notices.notice_id
     * @param p_attempt_id the claim that failed
     * @param p_error      what went wrong (cut to 400 characters)
     * @param p_permanent  1 = retrying cannot help (a 4xx answer): DEAD at once; 0 = transient
     * @param p_maybe_sent 1 = the provider may have accepted the mail all the same (the call timed out
     *                     after the request went out): the notice is flagged possible_duplicate; 0 = not
     * @param p_delay_s    seconds until the next attempt
     * @param p_status     OUT the notice's status afterwards (FAILED, DEAD, or the unchanged status)
     * @throws -20411 PERMISSION_DENIED the actor lacks NOTICE_SEND
     * @throws -20970 NOTICE_NOT_FOUND
     */
    PROCEDURE mark_failed(p_notice_id IN NUMBER, p_attempt_id IN VARCHAR2, p_error IN VARCHAR2,
                          p_permanent IN NUMBER, p_maybe_sent IN NUMBER, p_delay_s IN NUMBER,
                          p_status OUT VARCHAR2);

    /**
     * Nothing to send (no e-mail address, opted out, undeliverable address): SKIPPED with the reason.
     * Changes nothing when the notice is no longer SENDING under p_attempt_id.
     * @param p_notice_id  notices.notice_id
     * @param p_attempt_id the claim
     * @param p_reason     why (cut to 400 characters)
     * @throws -20411 PERMISSION_DENIED the actor lacks NOTICE_SEND
     * @throws -20970 NOTICE_NOT_FOUND
     */
    PROCEDURE mark_skipped(p_notice_id IN NUMBER, p_attempt_id IN VARCHAR2, p_reason IN VARCHAR2);

    /**
     * Send a dead letter again: PENDING, due now, its attempts counted from zero. Needs SYS_HEALTH.
     * @param p_notice_id notices.notice_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20970 NOTICE_NOT_FOUND
     * @throws -20971 NOTICE_NOT_DEAD the notice is not a dead letter
     */
    PROCEDURE retry_dead(p_notice_id IN NUMBER);

    /**
     * Give a dead letter up: SKIPPED, the error kept after "discarded: ". Needs SYS_HEALTH.
     * @param p_notice_id notices.notice_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20970 NOTICE_NOT_FOUND
     * @throws -20971 NOTICE_NOT_DEAD the notice is not a dead letter
     */
    PROCEDURE discard_dead(p_notice_id IN NUMBER);
END lib_outbox;
/
