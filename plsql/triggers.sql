-- triggers.sql: the audit triggers and the append-only guard of audit_log.
-- Thin triggers, one per table and event: each body makes one call into lib_audit, passing the
-- changed values built from :OLD and :NEW with the lib_audit helpers (see lib_audit.pks).
-- A row trigger never queries its own table. The calls are function calls in an IF whose result
-- is ignored: ora2pg translates triggers in a pass that does not know the package procedures, so
-- a procedure call would not become CALL on PostgreSQL, and plpgsql_check refuses a variable
-- that is assigned and never read.

-- Audit trail of loans: every insert, change and delete with the changed values.
CREATE OR REPLACE TRIGGER loans_audit_trg
AFTER INSERT OR UPDATE OR DELETE ON loans
FOR EACH ROW
BEGIN
    IF lib_audit.log_change(
        'loans',
        NVL(:NEW.loan_id, :OLD.loan_id),
        CASE WHEN INSERTING THEN 'INSERT' WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,
        lib_audit.old_num('loan_id', :OLD.loan_id, :NEW.loan_id) ||
            lib_audit.old_num('copy_id', :OLD.copy_id, :NEW.copy_id) ||
            lib_audit.old_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.old_num('branch_id', :OLD.branch_id, :NEW.branch_id) ||
            lib_audit.old_num('policy_id', :OLD.policy_id, :NEW.policy_id) ||
            lib_audit.old_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.old_date('checkout_at', :OLD.checkout_at, :NEW.checkout_at) ||
            lib_audit.old_date('due_at', :OLD.due_at, :NEW.due_at) ||
            lib_audit.old_date('returned_at', :OLD.returned_at, :NEW.returned_at) ||
            lib_audit.old_num('return_branch_id', :OLD.return_branch_id, :NEW.return_branch_id) ||
            lib_audit.old_num('renewals', :OLD.renewals, :NEW.renewals) ||
            lib_audit.old_date('last_renewed_at', :OLD.last_renewed_at, :NEW.last_renewed_at) ||
            lib_audit.old_num('checkout_by', :OLD.checkout_by, :NEW.checkout_by) ||
            lib_audit.old_num('return_by', :OLD.return_by, :NEW.return_by) ||
            lib_audit.old_txt('return_condition', :OLD.return_condition, :NEW.return_condition) ||
            lib_audit.old_txt('overridden', :OLD.overridden, :NEW.overridden),
        lib_audit.new_num('loan_id', :OLD.loan_id, :NEW.loan_id) ||
            lib_audit.new_num('copy_id', :OLD.copy_id, :NEW.copy_id) ||
            lib_audit.new_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.new_num('branch_id', :OLD.branch_id, :NEW.branch_id) ||
            lib_audit.new_num('policy_id', :OLD.policy_id, :NEW.policy_id) ||
            lib_audit.new_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.new_date('checkout_at', :OLD.checkout_at, :NEW.checkout_at) ||
            lib_audit.new_date('due_at', :OLD.due_at, :NEW.due_at) ||
            lib_audit.new_date('returned_at', :OLD.returned_at, :NEW.returned_at) ||
            lib_audit.new_num('return_branch_id', :OLD.return_branch_id, :NEW.return_branch_id) ||
            lib_audit.new_num('renewals', :OLD.renewals, :NEW.renewals) ||
            lib_audit.new_date('last_renewed_at', :OLD.last_renewed_at, :NEW.last_renewed_at) ||
            lib_audit.new_num('checkout_by', :OLD.checkout_by, :NEW.checkout_by) ||
            lib_audit.new_num('return_by', :OLD.return_by, :NEW.return_by) ||
            lib_audit.new_txt('return_condition', :OLD.return_condition, :NEW.return_condition) ||
            lib_audit.new_txt('overridden', :OLD.overridden, :NEW.overridden)) IS NULL THEN
        NULL;
    END IF;
END loans_audit_trg;
/

-- Audit trail of holds: every insert, change and delete with the changed values.
CREATE OR REPLACE TRIGGER holds_audit_trg
AFTER INSERT OR UPDATE OR DELETE ON holds
FOR EACH ROW
BEGIN
    IF lib_audit.log_change(
        'holds',
        NVL(:NEW.hold_id, :OLD.hold_id),
        CASE WHEN INSERTING THEN 'INSERT' WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,
        lib_audit.old_num('hold_id', :OLD.hold_id, :NEW.hold_id) ||
            lib_audit.old_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.old_num('material_id', :OLD.material_id, :NEW.material_id) ||
            lib_audit.old_num('pickup_branch_id', :OLD.pickup_branch_id, :NEW.pickup_branch_id) ||
            lib_audit.old_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.old_date('placed_at', :OLD.placed_at, :NEW.placed_at) ||
            lib_audit.old_num('copy_id', :OLD.copy_id, :NEW.copy_id) ||
            lib_audit.old_date('ready_at', :OLD.ready_at, :NEW.ready_at) ||
            lib_audit.old_date('expires_at', :OLD.expires_at, :NEW.expires_at) ||
            lib_audit.old_date('suspended_until', :OLD.suspended_until, :NEW.suspended_until) ||
            lib_audit.old_date('closed_at', :OLD.closed_at, :NEW.closed_at) ||
            lib_audit.old_txt('close_reason', :OLD.close_reason, :NEW.close_reason) ||
            lib_audit.old_num('loan_id', :OLD.loan_id, :NEW.loan_id),
        lib_audit.new_num('hold_id', :OLD.hold_id, :NEW.hold_id) ||
            lib_audit.new_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.new_num('material_id', :OLD.material_id, :NEW.material_id) ||
            lib_audit.new_num('pickup_branch_id', :OLD.pickup_branch_id, :NEW.pickup_branch_id) ||
            lib_audit.new_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.new_date('placed_at', :OLD.placed_at, :NEW.placed_at) ||
            lib_audit.new_num('copy_id', :OLD.copy_id, :NEW.copy_id) ||
            lib_audit.new_date('ready_at', :OLD.ready_at, :NEW.ready_at) ||
            lib_audit.new_date('expires_at', :OLD.expires_at, :NEW.expires_at) ||
            lib_audit.new_date('suspended_until', :OLD.suspended_until, :NEW.suspended_until) ||
            lib_audit.new_date('closed_at', :OLD.closed_at, :NEW.closed_at) ||
            lib_audit.new_txt('close_reason', :OLD.close_reason, :NEW.close_reason) ||
            lib_audit.new_num('loan_id', :OLD.loan_id, :NEW.loan_id)) IS NULL THEN
        NULL;
    END IF;
END holds_audit_trg;
/

-- Audit trail of fines: every insert, change and delete with the changed values.
CREATE OR REPLACE TRIGGER fines_audit_trg
AFTER INSERT OR UPDATE OR DELETE ON fines
FOR EACH ROW
BEGIN
    IF lib_audit.log_change(
        'fines',
        NVL(:NEW.fine_id, :OLD.fine_id),
        CASE WHEN INSERTING THEN 'INSERT' WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,
        lib_audit.old_num('fine_id', :OLD.fine_id, :NEW.fine_id) ||
            lib_audit.old_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.old_num('loan_id', :OLD.loan_id, :NEW.loan_id) ||
            lib_audit.old_txt('fine_type', :OLD.fine_type, :NEW.fine_type) ||
            lib_audit.old_money('amount', :OLD.amount, :NEW.amount) ||
            lib_audit.old_money('amount_paid', :OLD.amount_paid, :NEW.amount_paid) ||
            lib_audit.old_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.old_date('assessed_at', :OLD.assessed_at, :NEW.assessed_at) ||
            lib_audit.old_date('accrued_through', :OLD.accrued_through, :NEW.accrued_through) ||
            lib_audit.old_txt('description', :OLD.description, :NEW.description) ||
            lib_audit.old_date('closed_at', :OLD.closed_at, :NEW.closed_at) ||
            lib_audit.old_num('waived_by', :OLD.waived_by, :NEW.waived_by) ||
            lib_audit.old_txt('waive_reason', :OLD.waive_reason, :NEW.waive_reason),
        lib_audit.new_num('fine_id', :OLD.fine_id, :NEW.fine_id) ||
            lib_audit.new_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.new_num('loan_id', :OLD.loan_id, :NEW.loan_id) ||
            lib_audit.new_txt('fine_type', :OLD.fine_type, :NEW.fine_type) ||
            lib_audit.new_money('amount', :OLD.amount, :NEW.amount) ||
            lib_audit.new_money('amount_paid', :OLD.amount_paid, :NEW.amount_paid) ||
            lib_audit.new_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.new_date('assessed_at', :OLD.assessed_at, :NEW.assessed_at) ||
            lib_audit.new_date('accrued_through', :OLD.accrued_through, :NEW.accrued_through) ||
            lib_audit.new_txt('description', :OLD.description, :NEW.description) ||
            lib_audit.new_date('closed_at', :OLD.closed_at, :NEW.closed_at) ||
            lib_audit.new_num('waived_by', :OLD.waived_by, :NEW.waived_by) ||
            lib_audit.new_txt('waive_reason', :OLD.waive_reason, :NEW.waive_reason)) IS NULL THEN
        NULL;
    END IF;
END fines_audit_trg;
/

-- Audit trail of payments: every insert, change and delete with the changed values.
CREATE OR REPLACE TRIGGER payments_audit_trg
AFTER INSERT OR UPDATE OR DELETE ON payments
FOR EACH ROW
BEGIN
    IF lib_audit.log_change(
        'payments',
        NVL(:NEW.payment_id, :OLD.payment_id),
        CASE WHEN INSERTING THEN 'INSERT' WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,
        lib_audit.old_num('payment_id', :OLD.payment_id, :NEW.payment_id) ||
            lib_audit.old_num('fine_id', :OLD.fine_id, :NEW.fine_id) ||
            lib_audit.old_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.old_money('amount', :OLD.amount, :NEW.amount) ||
            lib_audit.old_txt('method', :OLD.method, :NEW.method) ||
            lib_audit.old_date('paid_at', :OLD.paid_at, :NEW.paid_at) ||
            lib_audit.old_num('received_by', :OLD.received_by, :NEW.received_by) ||
            lib_audit.old_txt('note', :OLD.note, :NEW.note),
        lib_audit.new_num('payment_id', :OLD.payment_id, :NEW.payment_id) ||
            lib_audit.new_num('fine_id', :OLD.fine_id, :NEW.fine_id) ||
            lib_audit.new_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.new_money('amount', :OLD.amount, :NEW.amount) ||
            lib_audit.new_txt('method', :OLD.method, :NEW.method) ||
            lib_audit.new_date('paid_at', :OLD.paid_at, :NEW.paid_at) ||
            lib_audit.new_num('received_by', :OLD.received_by, :NEW.received_by) ||
            lib_audit.new_txt('note', :OLD.note, :NEW.note)) IS NULL THEN
        NULL;
    END IF;
END payments_audit_trg;
/

-- Audit trail of patrons: every insert, change and delete with the changed values.
CREATE OR REPLACE TRIGGER patrons_audit_trg
AFTER INSERT OR UPDATE OR DELETE ON patrons
FOR EACH ROW
BEGIN
    IF lib_audit.log_change(
        'patrons',
        NVL(:NEW.patron_id, :OLD.patron_id),
        CASE WHEN INSERTING THEN 'INSERT' WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,
        lib_audit.old_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.old_num('user_id', :OLD.user_id, :NEW.user_id) ||
            lib_audit.old_txt('card_number', :OLD.card_number, :NEW.card_number) ||
            lib_audit.old_txt('first_name', :OLD.first_name, :NEW.first_name) ||
            lib_audit.old_txt('last_name', :OLD.last_name, :NEW.last_name) ||
            lib_audit.old_txt('email', :OLD.email, :NEW.email) ||
            lib_audit.old_txt('phone', :OLD.phone, :NEW.phone) ||
            lib_audit.old_txt('address', :OLD.address, :NEW.address) ||
            lib_audit.old_txt('category', :OLD.category, :NEW.category) ||
            lib_audit.old_num('home_branch_id', :OLD.home_branch_id, :NEW.home_branch_id) ||
            lib_audit.old_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.old_txt('status_reason', :OLD.status_reason, :NEW.status_reason) ||
            lib_audit.old_date('status_changed_at', :OLD.status_changed_at, :NEW.status_changed_at) ||
            lib_audit.old_date('registered_at', :OLD.registered_at, :NEW.registered_at) ||
            lib_audit.old_date('expires_on', :OLD.expires_on, :NEW.expires_on),
        lib_audit.new_num('patron_id', :OLD.patron_id, :NEW.patron_id) ||
            lib_audit.new_num('user_id', :OLD.user_id, :NEW.user_id) ||
            lib_audit.new_txt('card_number', :OLD.card_number, :NEW.card_number) ||
            lib_audit.new_txt('first_name', :OLD.first_name, :NEW.first_name) ||
            lib_audit.new_txt('last_name', :OLD.last_name, :NEW.last_name) ||
            lib_audit.new_txt('email', :OLD.email, :NEW.email) ||
            lib_audit.new_txt('phone', :OLD.phone, :NEW.phone) ||
            lib_audit.new_txt('address', :OLD.address, :NEW.address) ||
            lib_audit.new_txt('category', :OLD.category, :NEW.category) ||
            lib_audit.new_num('home_branch_id', :OLD.home_branch_id, :NEW.home_branch_id) ||
            lib_audit.new_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.new_txt('status_reason', :OLD.status_reason, :NEW.status_reason) ||
            lib_audit.new_date('status_changed_at', :OLD.status_changed_at, :NEW.status_changed_at) ||
            lib_audit.new_date('registered_at', :OLD.registered_at, :NEW.registered_at) ||
            lib_audit.new_date('expires_on', :OLD.expires_on, :NEW.expires_on)) IS NULL THEN
        NULL;
    END IF;
END patrons_audit_trg;
/

-- Audit trail of accounts. The login bookkeeping (failed_logins, last_login_at alone) is
-- recorded as LOGIN and LOGIN_FAILED events by lib_auth, so those updates do not fire this trigger.
-- The password hash is never written: a change shows as password_hash=***.
CREATE OR REPLACE TRIGGER users_audit_trg
AFTER INSERT OR UPDATE OF username, password_hash, full_name, email, is_active, account_locked OR DELETE ON users
FOR EACH ROW
BEGIN
    IF lib_audit.log_change(
        'users',
        NVL(:NEW.user_id, :OLD.user_id),
        CASE WHEN INSERTING THEN 'INSERT' WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,
        lib_audit.old_num('user_id', :OLD.user_id, :NEW.user_id) ||
            lib_audit.old_txt('username', :OLD.username, :NEW.username) ||
            lib_audit.old_secret('password_hash', :OLD.password_hash, :NEW.password_hash) ||
            lib_audit.old_txt('full_name', :OLD.full_name, :NEW.full_name) ||
            lib_audit.old_txt('email', :OLD.email, :NEW.email) ||
            lib_audit.old_txt('is_active', :OLD.is_active, :NEW.is_active) ||
            lib_audit.old_txt('account_locked', :OLD.account_locked, :NEW.account_locked) ||
            lib_audit.old_num('failed_logins', :OLD.failed_logins, :NEW.failed_logins) ||
            lib_audit.old_date('last_login_at', :OLD.last_login_at, :NEW.last_login_at) ||
            lib_audit.old_date('locked_at', :OLD.locked_at, :NEW.locked_at) ||
            lib_audit.old_date('created_at', :OLD.created_at, :NEW.created_at),
        lib_audit.new_num('user_id', :OLD.user_id, :NEW.user_id) ||
            lib_audit.new_txt('username', :OLD.username, :NEW.username) ||
            lib_audit.new_secret('password_hash', :OLD.password_hash, :NEW.password_hash) ||
            lib_audit.new_txt('full_name', :OLD.full_name, :NEW.full_name) ||
            lib_audit.new_txt('email', :OLD.email, :NEW.email) ||
            lib_audit.new_txt('is_active', :OLD.is_active, :NEW.is_active) ||
            lib_audit.new_txt('account_locked', :OLD.account_locked, :NEW.account_locked) ||
            lib_audit.new_num('failed_logins', :OLD.failed_logins, :NEW.failed_logins) ||
            lib_audit.new_date('last_login_at', :OLD.last_login_at, :NEW.last_login_at) ||
            lib_audit.new_date('locked_at', :OLD.locked_at, :NEW.locked_at) ||
            lib_audit.new_date('created_at', :OLD.created_at, :NEW.created_at)) IS NULL THEN
        NULL;
    END IF;
END users_audit_trg;
/

-- Audit trail of role grants: row_id is the user_id (the key is user_id, role_id).
CREATE OR REPLACE TRIGGER user_roles_audit_trg
AFTER INSERT OR UPDATE OR DELETE ON user_roles
FOR EACH ROW
BEGIN
    IF lib_audit.log_change(
        'user_roles',
        NVL(:NEW.user_id, :OLD.user_id),
        CASE WHEN INSERTING THEN 'INSERT' WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,
        lib_audit.old_num('user_id', :OLD.user_id, :NEW.user_id) ||
            lib_audit.old_num('role_id', :OLD.role_id, :NEW.role_id) ||
            lib_audit.old_date('granted_at', :OLD.granted_at, :NEW.granted_at) ||
            lib_audit.old_num('granted_by', :OLD.granted_by, :NEW.granted_by),
        lib_audit.new_num('user_id', :OLD.user_id, :NEW.user_id) ||
            lib_audit.new_num('role_id', :OLD.role_id, :NEW.role_id) ||
            lib_audit.new_date('granted_at', :OLD.granted_at, :NEW.granted_at) ||
            lib_audit.new_num('granted_by', :OLD.granted_by, :NEW.granted_by)) IS NULL THEN
        NULL;
    END IF;
END user_roles_audit_trg;
/

-- Audit trail of role requests (separation of duties): the request (INSERT) and its approval,
-- rejection or cancellation (UPDATE), each naming its actor.
CREATE OR REPLACE TRIGGER role_requests_audit_trg
AFTER INSERT OR UPDATE OR DELETE ON role_requests
FOR EACH ROW
BEGIN
    IF lib_audit.log_change(
        'role_requests',
        NVL(:NEW.request_id, :OLD.request_id),
        CASE WHEN INSERTING THEN 'INSERT' WHEN UPDATING THEN 'UPDATE' ELSE 'DELETE' END,
        lib_audit.old_num('request_id', :OLD.request_id, :NEW.request_id) ||
            lib_audit.old_num('user_id', :OLD.user_id, :NEW.user_id) ||
            lib_audit.old_num('role_id', :OLD.role_id, :NEW.role_id) ||
            lib_audit.old_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.old_num('requested_by', :OLD.requested_by, :NEW.requested_by) ||
            lib_audit.old_date('requested_at', :OLD.requested_at, :NEW.requested_at) ||
            lib_audit.old_num('decided_by', :OLD.decided_by, :NEW.decided_by) ||
            lib_audit.old_date('decided_at', :OLD.decided_at, :NEW.decided_at),
        lib_audit.new_num('request_id', :OLD.request_id, :NEW.request_id) ||
            lib_audit.new_num('user_id', :OLD.user_id, :NEW.user_id) ||
            lib_audit.new_num('role_id', :OLD.role_id, :NEW.role_id) ||
            lib_audit.new_txt('status', :OLD.status, :NEW.status) ||
            lib_audit.new_num('requested_by', :OLD.requested_by, :NEW.requested_by) ||
            lib_audit.new_date('requested_at', :OLD.requested_at, :NEW.requested_at) ||
            lib_audit.new_num('decided_by', :OLD.decided_by, :NEW.decided_by) ||
            lib_audit.new_date('decided_at', :OLD.decided_at, :NEW.decided_at)) IS NULL THEN
        NULL;
    END IF;
END role_requests_audit_trg;
/

-- audit_log is append-only: any UPDATE or DELETE of its rows is refused.
CREATE OR REPLACE TRIGGER audit_log_append_only_trg
BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW
BEGIN
    IF lib_audit.reject_change() IS NULL THEN
        NULL;
    END IF;
END audit_log_append_only_trg;
/
