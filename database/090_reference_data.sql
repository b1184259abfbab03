-- 090_reference_data.sql: roles, permissions, settings, one branch and the default circulation policy.
-- Portable SQL, loaded as is on both engines. Demo users and data come from scripts/, never from here.

INSERT INTO permissions (code, description) VALUES ('CIRC_CHECKOUT', 'Check out copies to patrons');
INSERT INTO permissions (code, description) VALUES ('CIRC_RETURN', 'Check in returned copies');
INSERT INTO permissions (code, description) VALUES ('CIRC_RENEW', 'Renew loans at the desk');
INSERT INTO permissions (code, description) VALUES ('CIRC_OVERRIDE', 'Override overridable circulation refusals');
INSERT INTO permissions (code, description) VALUES ('HOLD_MANAGE', 'Place, cancel and manage holds for patrons');
INSERT INTO permissions (code, description) VALUES ('PATRON_VIEW', 'Search and view patron records');
INSERT INTO permissions (code, description) VALUES ('PATRON_MANAGE', 'Register and edit patrons');
INSERT INTO permissions (code, description) VALUES ('PATRON_SUSPEND', 'Suspend and reinstate patrons');
INSERT INTO permissions (code, description) VALUES ('FINE_COLLECT', 'View fines and take payments');
INSERT INTO permissions (code, description) VALUES ('FINE_WAIVE', 'Waive fines with a reason');
INSERT INTO permissions (code, description) VALUES ('CATALOG_EDIT', 'Add and edit titles, copies, authors and genres');
INSERT INTO permissions (code, description) VALUES ('CATALOG_IMPORT', 'Bulk import catalog records');
INSERT INTO permissions (code, description) VALUES ('RPT_CIRCULATION', 'Circulation reports');
INSERT INTO permissions (code, description) VALUES ('RPT_FINANCIAL', 'Financial reports');
INSERT INTO permissions (code, description) VALUES ('USER_ADMIN', 'Manage staff accounts and roles');
INSERT INTO permissions (code, description) VALUES ('SYS_HEALTH', 'View the health dashboard');
INSERT INTO permissions (code, description) VALUES ('AUDIT_VIEW', 'Read the audit trail');
INSERT INTO permissions (code, description) VALUES ('SYS_CONFIG', 'Change branches, policies, closed days and settings');
INSERT INTO permissions (code, description) VALUES ('NOTICE_SEND', 'Claim notices of the outbox and record their delivery (the sender worker''s service account)');
-- separation of duties: a role carrying one of these is granted only with a second administrator's approval
UPDATE permissions SET needs_approval = 'Y' WHERE code IN ('CIRC_OVERRIDE', 'FINE_WAIVE', 'USER_ADMIN');

INSERT INTO roles (code, name, description) VALUES ('PATRON', 'Patron', 'Library member using the portal: own data only');
INSERT INTO roles (code, name, description) VALUES ('LIBRARIAN', 'Librarian', 'Circulation desk staff');
INSERT INTO roles (code, name, description) VALUES ('BRANCH_MANAGER', 'Branch manager', 'Librarian who may override, suspend and waive');
INSERT INTO roles (code, name, description) VALUES ('CATALOGER', 'Cataloger', 'Maintains the catalog');
INSERT INTO roles (code, name, description) VALUES ('IT_ADMIN', 'IT administrator', 'Accounts, health, audit and settings');
INSERT INTO roles (code, name, description) VALUES ('LIBRARY_DIRECTOR', 'Library director', 'Reports and audit');
INSERT INTO roles (code, name, description) VALUES ('NOTICE_SENDER', 'Notice sender', 'Service account of the sender worker: delivers the notice outbox and nothing else');

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.role_id, p.permission_id FROM roles r CROSS JOIN permissions p
 WHERE r.code IN ('LIBRARIAN', 'BRANCH_MANAGER')
   AND p.code IN ('CIRC_CHECKOUT', 'CIRC_RETURN', 'CIRC_RENEW', 'HOLD_MANAGE', 'PATRON_VIEW', 'PATRON_MANAGE',
                  'FINE_COLLECT', 'RPT_CIRCULATION');
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.role_id, p.permission_id FROM roles r CROSS JOIN permissions p
 WHERE r.code = 'BRANCH_MANAGER' AND p.code IN ('CIRC_OVERRIDE', 'PATRON_SUSPEND', 'FINE_WAIVE', 'RPT_FINANCIAL');
-- a branch manager waives fines and reads the money of their own branch only (users.home_branch_id)
UPDATE role_permissions SET branch_only = 'Y'
 WHERE role_id IN (SELECT role_id FROM roles WHERE code = 'BRANCH_MANAGER')
   AND permission_id IN (SELECT permission_id FROM permissions WHERE code IN ('FINE_WAIVE', 'RPT_FINANCIAL'));
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.role_id, p.permission_id FROM roles r CROSS JOIN permissions p
 WHERE r.code = 'CATALOGER' AND p.code IN ('CATALOG_EDIT', 'CATALOG_IMPORT');
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.role_id, p.permission_id FROM roles r CROSS JOIN permissions p
 WHERE r.code = 'IT_ADMIN' AND p.code IN ('USER_ADMIN', 'SYS_HEALTH', 'AUDIT_VIEW', 'SYS_CONFIG', 'CATALOG_IMPORT');
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.role_id, p.permission_id FROM roles r CROSS JOIN permissions p
 WHERE r.code = 'LIBRARY_DIRECTOR' AND (p.code LIKE 'RPT\_%' ESCAPE '\' OR p.code = 'AUDIT_VIEW');
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.role_id, p.permission_id FROM roles r CROSS JOIN permissions p
 WHERE r.code = 'NOTICE_SENDER' AND p.code = 'NOTICE_SEND';
-- the sender worker's service account: no usable password ('!' is no hash) until `scripts/ils notices
-- credentials` (embedded) or an IT admin sets one (README: Notices)
INSERT INTO users (username, password_hash, full_name) VALUES ('notice_sender', '!', 'Notice sender (service account)');
INSERT INTO user_roles (user_id, role_id)
SELECT u.user_id, r.role_id FROM users u CROSS JOIN roles r WHERE u.username = 'notice_sender' AND r.code = 'NOTICE_SENDER';

INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('MAX_FAILED_LOGINS', '5', 'Consecutive failed logins after which an account is locked for a while (LOCKOUT_MINUTES)', 'INTEGER', 3, 20);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('LOCKOUT_MINUTES', '1', 'Minutes the first lock after MAX_FAILED_LOGINS failures lasts, each further lock before a successful login lasts twice as long as the one before', 'INTEGER', 1, 60);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('LOCKOUT_MAX_MINUTES', '60', 'Longest a lock after failed logins lasts, in minutes', 'INTEGER', 1, 1440);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('PATRON_CARD_YEARS', '3', 'Years a new patron card stays valid', 'INTEGER', 1, 10);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('NOTICE_MAX_ATTEMPTS', '8', 'Delivery attempts of a notice before it becomes a dead letter', 'INTEGER', 1, 50);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('LOST_REFUND_PAID', '1', 'When a lost copy comes back and its policy refunds the lost charge: 1 = the part already paid is paid back, 0 = it is kept and only the unpaid rest is waived', 'INTEGER', 0, 1);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('NOTICE_DUE_DAYS', '3', 'Days before the due date at which a due-soon notice is generated', 'INTEGER', 0, 30);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('SEARCH_EXACT_TOTAL_MAX', '1000', 'Catalog search counts its matches exactly up to this many; above it the answer says total_exact false and total is this number (a lower bound)', 'INTEGER', 1, 100000);
INSERT INTO app_settings (name, value, description, value_type) VALUES ('DUPLICATE_ISBN', 'WARN', 'What adding or changing a title does when another title has the same ISBN: REFUSE = refused (DUPLICATE_ISBN), WARN = accepted, the screens warn', 'TEXT');
INSERT INTO app_settings (name, value, description, value_type) VALUES ('LIBRARY_TIME_ZONE', 'UTC', 'Time zone of the library, a region name such as Europe/Paris: the calendar days of due dates, closed days, fines, card and pickup expiry and the nightly jobs (times are stored in UTC)', 'TIME_ZONE');
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('OVERDUE_BLOCKS_RENEWAL', '0', 'Overdue loans and renewal (Koha OverduesBlockRenewing): 0 = an overdue loan may be renewed, 1 = an overdue loan cannot be renewed, 2 = a patron with any overdue loan cannot renew', 'INTEGER', 0, 2);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('DUE_DATE_BEFORE_EXPIRY', '0', 'Card expiry caps the due date (Koha ReturnBeforeExpiry): 1 = a loan is due at the latest on the last open day on or before the card expires, 0 = no cap', 'INTEGER', 0, 1);

INSERT INTO branches (code, name, address) VALUES ('MAIN', 'Main Library', '1 Library Square');

INSERT INTO circ_policies (branch_id, patron_category, material_type, loan_days, max_renewals, renew_from_due,
                           loan_limit, hold_limit, daily_fine, grace_days, max_fine, fine_block_threshold,
                           hold_pickup_days, holdable, lost_after_days, lost_refund)
VALUES (NULL, NULL, NULL, 21, 2, 'N', 25, 10, 0.25, 1, 10.00, 10.00, 7, 'Y', 60, 'Y');
COMMIT;
