-- 016_refunds: staff refunds (issue 13, lib_fines.refund).
-- 1. payments.refund_method: a REFUND row written by staff says how the money went back to the patron (a
--    tender method); the reason is the row's note. Rows written before (payments, the refunds of lost
--    copies returned) keep NULL.
-- 2. The refusals of a refund.
-- PostgreSQL text, as the build translates the install files (the Oracle one is 016_refunds.oracle.sql).

ALTER TABLE payments ADD COLUMN refund_method varchar(20);
COMMENT ON COLUMN payments.refund_method IS E'A REFUND row written by staff (lib_fines.refund, its reason is the note): how the money went back to the patron, a tender method (CASH, CARD...). NULL = not a refund, or a refund the rules wrote (lost copy returned)';
ALTER TABLE payments ADD CONSTRAINT payments_refund_method_fk FOREIGN KEY (refund_method) REFERENCES payment_methods(code) ON DELETE NO ACTION INITIALLY IMMEDIATE;
ALTER TABLE payments ADD CONSTRAINT payments_refund_method_ck CHECK ((refund_method IS NULL OR method = 'REFUND'));

INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20600, 'INVALID_REFUND_AMOUNT', 422, 'The refund amount must be positive with at most two decimals.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20601, 'REFUND_EXCEEDS_PAID', 422, 'The refund is larger than what was paid on the fine and not yet refunded.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20602, 'FINE_NOT_PAID', 409, 'Nothing has been paid on this fine: there is nothing to refund.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20603, 'FINE_ALREADY_REFUNDED', 409, 'All that was paid on this fine has already been refunded.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20604, 'REFUND_REASON_REQUIRED', 422, 'A reason is required to refund a payment.');
