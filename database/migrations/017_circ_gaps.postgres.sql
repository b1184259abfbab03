-- 017_circ_gaps: three circulation gaps of issue 13.
-- 1. transits.cancelled_at, cancelled_by, cancel_reason: a copy declared lost or withdrawn on its way closes its
--    open transit as cancelled (no longer listed among the open transits), with who and why.
-- 2. The renewal refusals CIRC_OVERRIDE may pass (lib_circulation.renew_desk): RENEWAL_LIMIT_REACHED,
--    RENEWAL_BLOCKED_BY_HOLD, RENEWAL_BLOCKED_BY_OVERDUE, RENEWAL_TOO_EARLY; RENEWAL_TOO_SOON stays not overridable.
-- PostgreSQL text, as the build translates the install files (the Oracle one is 017_circ_gaps.oracle.sql).

ALTER TABLE transits ADD COLUMN cancelled_at timestamp(0);
ALTER TABLE transits ADD COLUMN cancelled_by bigint;
ALTER TABLE transits ADD COLUMN cancel_reason varchar(10);
ALTER TABLE transits ADD CONSTRAINT transits_cancelled_by_fk FOREIGN KEY (cancelled_by) REFERENCES users(user_id) ON DELETE NO ACTION INITIALLY IMMEDIATE;
ALTER TABLE transits ADD CONSTRAINT transits_cancel_ck CHECK (((cancelled_at IS NULL AND cancel_reason IS NULL) OR (cancelled_at IS NOT NULL AND received_at IS NULL AND cancel_reason IN ('LOST', 'WITHDRAWN'))));
CREATE INDEX transits_cancelled_by_i ON transits (cancelled_by);
COMMENT ON TABLE transits IS 'A copy on its way between branches: to its home branch (no floating collection) or to the pickup branch of the hold it is trapped for. Open while received_at and cancelled_at are NULL.';
COMMENT ON COLUMN transits.cancelled_at IS 'When the transit was cancelled (UTC) because its copy left circulation on the way; NULL = not cancelled';
COMMENT ON COLUMN transits.cancelled_by IS 'User who declared the copy lost or withdrew it (FK to users), NULL = not cancelled or system work';
COMMENT ON COLUMN transits.cancel_reason IS 'Why the transit was cancelled: LOST = the copy was declared lost, WITHDRAWN = it was withdrawn; NULL = not cancelled';

COMMENT ON COLUMN app_errors.overridable IS 'Y = a refusal staff with CIRC_OVERRIDE may pass at checkout or renewal (lib_circulation, the desk''s override button); N = never passed.';
UPDATE app_errors SET overridable = 'Y' WHERE name IN ('RENEWAL_LIMIT_REACHED', 'RENEWAL_BLOCKED_BY_HOLD', 'RENEWAL_BLOCKED_BY_OVERDUE', 'RENEWAL_TOO_EARLY');
