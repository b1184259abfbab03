-- 030_comments.sql: COMMENT ON every table and column of the core schema.

COMMENT ON TABLE users IS 'Every login of the system, staff and patrons alike (a patron links to its login through patrons.user_id)';
COMMENT ON COLUMN users.user_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN users.username IS 'Login name, unique';
COMMENT ON COLUMN users.password_hash IS 'Salted password hash, never the clear password';
COMMENT ON COLUMN users.full_name IS 'Display name of the user';
COMMENT ON COLUMN users.email IS 'Contact e-mail address, NULL = none';
COMMENT ON COLUMN users.is_active IS 'Account enabled flag: Y = may log in, N = disabled by an administrator';
COMMENT ON COLUMN users.account_locked IS 'Lockout flag: Y = locked after too many failed logins until locked_until (NULL = until an administrator unlocks it), N = not locked';
COMMENT ON COLUMN users.failed_logins IS 'Count of consecutive failed login attempts since the last successful login';
COMMENT ON COLUMN users.last_login_at IS 'Date and time of the last successful login, NULL = never logged in';
COMMENT ON COLUMN users.locked_at IS 'Date and time the account was locked, NULL = not locked';
COMMENT ON COLUMN users.locked_until IS 'End of a temporary lock (UTC): the right password works again from then on, NULL = no end set';
COMMENT ON COLUMN users.lockouts IS 'Locks since the last successful login or unlock: each lock lasts LOCKOUT_MINUTES doubled per earlier lock, at most LOCKOUT_MAX_MINUTES';
COMMENT ON COLUMN users.home_branch_id IS 'Branch a staff user works for (FK to branches): permissions granted branch_only act there only, NULL = none (patrons, library-wide staff)';
COMMENT ON COLUMN users.created_at IS 'Date and time the account was created';

COMMENT ON TABLE roles IS 'Named sets of permissions granted to users (e.g. circulation desk, administrator)';
COMMENT ON COLUMN roles.role_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN roles.code IS 'Stable role code used by the application, unique';
COMMENT ON COLUMN roles.name IS 'Human-readable role name';
COMMENT ON COLUMN roles.description IS 'What the role is for, NULL = no description';

COMMENT ON TABLE permissions IS 'Individual privileges checked by the server (e.g. CIRC_OVERRIDE), granted to roles through role_permissions';
COMMENT ON COLUMN permissions.permission_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN permissions.code IS 'Stable permission code checked by the application (e.g. CIRC_OVERRIDE), unique';
COMMENT ON COLUMN permissions.description IS 'What the permission allows';
COMMENT ON COLUMN permissions.needs_approval IS 'Y = granting a role that carries this permission needs the approval of a second user administrator (role_requests), N = a USER_ADMIN holder grants it alone';

COMMENT ON TABLE user_roles IS 'Roles granted to each user (many-to-many between users and roles)';
COMMENT ON COLUMN user_roles.user_id IS 'User holding the role (FK to users)';
COMMENT ON COLUMN user_roles.role_id IS 'Role granted (FK to roles)';
COMMENT ON COLUMN user_roles.granted_at IS 'Date and time the role was granted';
COMMENT ON COLUMN user_roles.granted_by IS 'User who granted the role (FK to users), NULL = granted at installation or by a script';

COMMENT ON TABLE role_permissions IS 'Permissions contained in each role (many-to-many between roles and permissions)';
COMMENT ON COLUMN role_permissions.role_id IS 'Role (FK to roles)';
COMMENT ON COLUMN role_permissions.permission_id IS 'Permission included in the role (FK to permissions)';
COMMENT ON COLUMN role_permissions.branch_only IS 'Y = the role grants the permission only at the home branch of the user who holds it (users.home_branch_id), N = library-wide';

COMMENT ON TABLE branches IS 'Library branches: locations that own copies, lend, take returns and serve as hold pickup points';
COMMENT ON COLUMN branches.branch_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN branches.code IS 'Short branch code, unique';
COMMENT ON COLUMN branches.name IS 'Branch name';
COMMENT ON COLUMN branches.address IS 'Postal address, NULL = unknown';
COMMENT ON COLUMN branches.phone IS 'Phone number, NULL = unknown';
COMMENT ON COLUMN branches.email IS 'Contact e-mail address, NULL = unknown';
COMMENT ON COLUMN branches.is_active IS 'Branch in service flag: Y = open for business, N = closed permanently or retired';

COMMENT ON TABLE closed_days IS 'Days a branch (or every branch) is closed, skipped when computing due dates and pickup deadlines';
COMMENT ON COLUMN closed_days.closed_day_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN closed_days.branch_id IS 'Branch that is closed (FK to branches), NULL = library-wide closure of every branch';
COMMENT ON COLUMN closed_days.closed_on IS 'Closed calendar day, a whole day (time part must be midnight), unique per branch';
COMMENT ON COLUMN closed_days.reason IS 'Why the branch is closed (e.g. public holiday), NULL = not given';

COMMENT ON TABLE patrons IS 'Library card holders who borrow, place holds and owe fines';
COMMENT ON COLUMN patrons.patron_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN patrons.user_id IS 'Portal login of the patron (FK to users, unique), NULL = walk-in patron without portal account';
COMMENT ON COLUMN patrons.card_number IS 'Library card number scanned at the desk, unique';
COMMENT ON COLUMN patrons.first_name IS 'Given name';
COMMENT ON COLUMN patrons.last_name IS 'Family name';
COMMENT ON COLUMN patrons.email IS 'Contact e-mail for notices, NULL = none';
COMMENT ON COLUMN patrons.email_undeliverable_at IS 'When the mail provider reported the address as undeliverable (bounce, dropped, spam report), in UTC: no notice is sent to it. NULL = deliverable; cleared when the e-mail changes';
COMMENT ON COLUMN patrons.email_undeliverable_reason IS 'Event and reason given by the mail provider for email_undeliverable_at, NULL when deliverable';
COMMENT ON COLUMN patrons.phone IS 'Contact phone number, NULL = none';
COMMENT ON COLUMN patrons.address IS 'Postal address, NULL = none';
COMMENT ON COLUMN patrons.category IS 'Borrower category used to pick the circulation policy: ADULT = adult, CHILD = child, STUDENT = student, SENIOR = senior citizen, STAFF = library staff member borrowing';
COMMENT ON COLUMN patrons.home_branch_id IS 'Home branch of the patron (FK to branches)';
COMMENT ON COLUMN patrons.status IS 'Patron state: ACTIVE = may borrow, SUSPENDED = blocked by staff (see status_reason), EXPIRED = card past expires_on, DELETED = closed account kept for history';
COMMENT ON COLUMN patrons.status_reason IS 'Why the status was last changed (e.g. suspension reason), NULL = none given';
COMMENT ON COLUMN patrons.status_changed_at IS 'Date and time of the last status change, NULL = never changed since registration';
COMMENT ON COLUMN patrons.registered_at IS 'Date and time the patron was registered';
COMMENT ON COLUMN patrons.expires_on IS 'Date the library card expires and must be renewed';

COMMENT ON TABLE genres IS 'Subject genres of the catalogue, a tree through parent_genre_id';
COMMENT ON COLUMN genres.genre_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN genres.name IS 'Genre name, unique';
COMMENT ON COLUMN genres.parent_genre_id IS 'Broader parent genre (FK to genres), NULL = top-level genre';

COMMENT ON TABLE authors IS 'People credited on materials (authors, editors, illustrators, translators)';
COMMENT ON COLUMN authors.author_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN authors.full_name IS 'Name as displayed (e.g. Jane Austen)';
COMMENT ON COLUMN authors.sort_name IS 'Name used for sorting and search (e.g. Austen, Jane)';
COMMENT ON COLUMN authors.birth_year IS 'Year of birth, NULL = unknown';
COMMENT ON COLUMN authors.death_year IS 'Year of death, not before birth_year, NULL = living or unknown';

COMMENT ON TABLE materials IS 'Bibliographic records (titles) of the catalogue, each held as one or more physical copies';
COMMENT ON COLUMN materials.material_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN materials.title IS 'Main title';
COMMENT ON COLUMN materials.subtitle IS 'Subtitle, NULL = none';
COMMENT ON COLUMN materials.edition IS 'Edition statement (MARC 250), NULL = none';
COMMENT ON COLUMN materials.extent IS 'Physical description, e.g. 320 p. (MARC 300), NULL = none';
COMMENT ON COLUMN materials.isbn IS 'ISBN-10 or ISBN-13 without hyphens (10 or 13 characters), NULL = none';
COMMENT ON COLUMN materials.material_type IS 'Format used to pick the circulation policy: BOOK = printed book, DVD = video disc, AUDIOBOOK = audio book, MAGAZINE = periodical issue, EBOOK = electronic book, MAP = map';
COMMENT ON COLUMN materials.genre_id IS 'Genre (FK to genres), NULL = unclassified';
COMMENT ON COLUMN materials.publisher IS 'Publisher name, NULL = unknown';
COMMENT ON COLUMN materials.publication_year IS 'Year of publication, NULL = unknown';
COMMENT ON COLUMN materials.language_code IS 'Language as an ISO 639-2 three-letter code (default eng)';
COMMENT ON COLUMN materials.description IS 'Summary or notes shown in the catalogue, NULL = none';
COMMENT ON COLUMN materials.replacement_cost IS 'Currency amount charged to the patron when a copy is lost (default 25), not negative';
COMMENT ON COLUMN materials.cover_image IS 'Path or URL of the cover image, NULL = no cover';
COMMENT ON COLUMN materials.created_at IS 'Date and time the record was catalogued';

COMMENT ON TABLE material_authors IS 'Credits of each material: which authors, in which order and role (many-to-many between materials and authors)';
COMMENT ON COLUMN material_authors.material_id IS 'Credited material (FK to materials)';
COMMENT ON COLUMN material_authors.author_id IS 'Credited person (FK to authors)';
COMMENT ON COLUMN material_authors.author_order IS 'Position of the credit in the display order, 1 = first';
COMMENT ON COLUMN material_authors.author_role IS 'Contribution: AUTHOR = wrote the work, EDITOR = edited it, ILLUSTRATOR = illustrated it, TRANSLATOR = translated it';

COMMENT ON TABLE copies IS 'Physical items of a material, each with its own barcode and owning branch';
COMMENT ON COLUMN copies.copy_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN copies.material_id IS 'Material this copy is an item of (FK to materials)';
COMMENT ON COLUMN copies.branch_id IS 'Owning branch of the copy (FK to branches)';
COMMENT ON COLUMN copies.barcode IS 'Item barcode scanned at the desk, unique';
COMMENT ON COLUMN copies.status IS 'Copy state: AVAILABLE = on the shelf, ON_LOAN = checked out, ON_HOLD_SHELF = trapped for a READY hold awaiting pickup, IN_TRANSIT = moving between branches, LOST = declared lost, DAMAGED = out of circulation for damage, WITHDRAWN = removed from the collection';
COMMENT ON COLUMN copies.shelf_location IS 'Shelf mark or call number within the branch, NULL = not recorded';
COMMENT ON COLUMN copies.condition_note IS 'Free-text note on the physical condition, NULL = none';
COMMENT ON COLUMN copies.price IS 'Purchase price of this copy as a currency amount, NULL = unknown';
COMMENT ON COLUMN copies.acquired_on IS 'Date the copy was acquired';
COMMENT ON COLUMN copies.status_changed_at IS 'Date and time of the last status change';

COMMENT ON TABLE circ_policies IS 'Circulation rules as a sparse matrix of branch, patron category and material type where NULL = any, the most specific matching row wins';
COMMENT ON COLUMN circ_policies.policy_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN circ_policies.branch_id IS 'Branch the rule applies to (FK to branches), NULL = any branch';
COMMENT ON COLUMN circ_policies.patron_category IS 'Patron category the rule applies to: ADULT, CHILD, STUDENT, SENIOR, STAFF (as patrons.category), NULL = any category';
COMMENT ON COLUMN circ_policies.material_type IS 'Material type the rule applies to: BOOK, DVD, AUDIOBOOK, MAGAZINE, EBOOK, MAP (as materials.material_type), NULL = any type';
COMMENT ON COLUMN circ_policies.loan_days IS 'Loan period in days, greater than 0';
COMMENT ON COLUMN circ_policies.max_renewals IS 'Maximum number of renewals per loan, 0 = no renewal';
COMMENT ON COLUMN circ_policies.renew_from_due IS 'Renewal base flag: Y = new due date counted from the current due date, N = counted from the day of renewal';
COMMENT ON COLUMN circ_policies.loan_limit IS 'Maximum number of active loans a patron may hold under this rule';
COMMENT ON COLUMN circ_policies.hold_limit IS 'Maximum number of open holds a patron may have under this rule';
COMMENT ON COLUMN circ_policies.daily_fine IS 'Overdue fine charged per day late, currency amount';
COMMENT ON COLUMN circ_policies.grace_days IS 'Days after the due date before overdue fines start, 0 = no grace';
COMMENT ON COLUMN circ_policies.max_fine IS 'Cap of the overdue fine of one loan, currency amount';
COMMENT ON COLUMN circ_policies.fine_block_threshold IS 'Outstanding fine balance (currency amount) at which the patron is blocked from borrowing';
COMMENT ON COLUMN circ_policies.hold_pickup_days IS 'Days a READY hold waits on the hold shelf before it expires, greater than 0';
COMMENT ON COLUMN circ_policies.holdable IS 'Hold flag: Y = holds may be placed, N = holds not allowed';
COMMENT ON COLUMN circ_policies.lost_after_days IS 'Days overdue after which the loan is declared LOST and the replacement cost is billed, greater than 0';
COMMENT ON COLUMN circ_policies.lost_refund IS 'Lost refund flag: Y = the LOST charge is refunded or cancelled when the copy comes back, N = no refund';

COMMENT ON TABLE loans IS 'Checkouts of copies to patrons, current and past';
COMMENT ON COLUMN loans.loan_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN loans.copy_id IS 'Copy lent (FK to copies)';
COMMENT ON COLUMN loans.patron_id IS 'Borrowing patron (FK to patrons)';
COMMENT ON COLUMN loans.branch_id IS 'Branch where the checkout took place (FK to branches)';
COMMENT ON COLUMN loans.policy_id IS 'Circulation policy that applied at checkout (FK to circ_policies), used for renewals and fines';
COMMENT ON COLUMN loans.status IS 'Loan state: ACTIVE = copy still out, RETURNED = checked in (returned_at set), LOST = copy declared lost';
COMMENT ON COLUMN loans.checkout_at IS 'Date and time of checkout';
COMMENT ON COLUMN loans.due_at IS 'Date and time the copy is due back, not before checkout_at, moved forward by renewals';
COMMENT ON COLUMN loans.returned_at IS 'Date and time of check-in, set only when status = RETURNED, NULL otherwise';
COMMENT ON COLUMN loans.return_branch_id IS 'Branch where the copy was checked in (FK to branches), NULL = not returned';
COMMENT ON COLUMN loans.renewals IS 'Number of renewals done so far, limited by circ_policies.max_renewals';
COMMENT ON COLUMN loans.last_renewed_at IS 'Date and time of the last renewal, NULL = never renewed';
COMMENT ON COLUMN loans.checkout_by IS 'User who performed the checkout (FK to users), NULL = not recorded';
COMMENT ON COLUMN loans.return_by IS 'User who performed the check-in (FK to users), NULL = not returned or not recorded';
COMMENT ON COLUMN loans.return_condition IS 'Condition noted at check-in, NULL = none noted';
COMMENT ON COLUMN loans.overridden IS 'Override flag: Y = a staff override with the CIRC_OVERRIDE permission let the checkout pass a blocking rule, N = normal checkout';

COMMENT ON TABLE holds IS 'Title-level hold requests of patrons on materials, queued by placed_at';
COMMENT ON COLUMN holds.hold_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN holds.patron_id IS 'Requesting patron (FK to patrons)';
COMMENT ON COLUMN holds.material_id IS 'Requested material, any copy may fill it (FK to materials)';
COMMENT ON COLUMN holds.pickup_branch_id IS 'Branch where the patron will collect the copy (FK to branches)';
COMMENT ON COLUMN holds.status IS 'Hold state: PENDING = waiting in the queue, SUSPENDED = paused by the patron and skipped, READY = copy trapped and waiting on the hold shelf, FULFILLED = collected and lent, CANCELLED = cancelled by patron or staff, EXPIRED = not collected by expires_at';
COMMENT ON COLUMN holds.placed_at IS 'Date and time the hold was placed, the queue position';
COMMENT ON COLUMN holds.copy_id IS 'Copy trapped for the hold (FK to copies), required when status = READY, NULL while PENDING';
COMMENT ON COLUMN holds.ready_at IS 'Date and time the copy was trapped and the hold became READY, NULL = not yet ready';
COMMENT ON COLUMN holds.expires_at IS 'Pickup deadline of a READY hold, required when status = READY, NULL = no deadline yet';
COMMENT ON COLUMN holds.suspended_until IS 'Date until which the hold is suspended, NULL = not suspended';
COMMENT ON COLUMN holds.closed_at IS 'Date and time the hold was fulfilled, cancelled or expired, NULL = still open';
COMMENT ON COLUMN holds.close_reason IS 'Why the hold was closed (e.g. cancellation reason), NULL = open or not given';
COMMENT ON COLUMN holds.loan_id IS 'Loan that fulfilled the hold (FK to loans), NULL = not fulfilled';

COMMENT ON TABLE fines IS 'Charges owed by patrons (overdue, lost, damage, fees), with their paid amount and status';
COMMENT ON COLUMN fines.fine_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN fines.patron_id IS 'Patron who owes the fine (FK to patrons)';
COMMENT ON COLUMN fines.loan_id IS 'Loan that caused the fine (FK to loans), NULL = not tied to a loan (e.g. MANUAL)';
COMMENT ON COLUMN fines.fine_type IS 'Kind of charge: OVERDUE = late return, accrued nightly, LOST = replacement cost of a lost copy, DAMAGE = damage to a copy, PROCESSING = processing fee, MANUAL = charge entered by staff';
COMMENT ON COLUMN fines.amount IS 'Amount charged, currency amount, not negative, grows nightly for an accruing OVERDUE fine';
COMMENT ON COLUMN fines.amount_paid IS 'Running total of payments against the fine, currency amount, between 0 and amount';
COMMENT ON COLUMN fines.status IS 'Fine state: OPEN = balance outstanding, PAID = fully paid, WAIVED = forgiven by staff (waive_reason required), REFUNDED = paid and then refunded';
COMMENT ON COLUMN fines.assessed_at IS 'Date and time the fine was created';
COMMENT ON COLUMN fines.accrued_through IS 'Day up to which the nightly accrual has charged an overdue fine, NULL = not an accruing fine or not accrued yet';
COMMENT ON COLUMN fines.description IS 'Free-text description of the charge, NULL = none';
COMMENT ON COLUMN fines.closed_at IS 'Date and time the fine left OPEN (paid, waived or refunded), NULL = still open';
COMMENT ON COLUMN fines.waived_by IS 'Staff user who waived the fine (FK to users), NULL = not waived';
COMMENT ON COLUMN fines.waive_reason IS 'Why the fine was waived, required when status = WAIVED, NULL otherwise';

COMMENT ON TABLE payments IS 'Money received against fines (and refunds paid back), one row per transaction';
COMMENT ON COLUMN payments.payment_id IS 'Primary key, identity-generated';
COMMENT ON COLUMN payments.fine_id IS 'Fine the payment is applied to (FK to fines)';
COMMENT ON COLUMN payments.patron_id IS 'Paying patron (FK to patrons), the owner of the fine';
COMMENT ON COLUMN payments.amount IS 'Amount of the transaction, currency amount, always positive';
COMMENT ON COLUMN payments.method IS 'Payment method: CASH = cash at the desk, CARD = payment card at the desk, CHECK = cheque, ONLINE = paid through the patron portal, REFUND = money paid back to the patron';
COMMENT ON COLUMN payments.paid_at IS 'Date and time of the transaction';
COMMENT ON COLUMN payments.received_by IS 'Staff user who took the payment (FK to users), NULL = no staff user (e.g. ONLINE)';
COMMENT ON COLUMN payments.note IS 'Free-text note (e.g. receipt number), NULL = none';

COMMENT ON TABLE audit_log IS 'Append-only audit trail of data changes, overrides and logins, never updated or deleted. Every table but audit_log, schema_version and job_runs writes its inserts, changes and deletes here through the triggers of plsql/audit_triggers.sql';
COMMENT ON COLUMN audit_log.audit_id IS 'Primary key, identity-generated, increasing';
COMMENT ON COLUMN audit_log.occurred_at IS 'Timestamp of the audited event';
COMMENT ON COLUMN audit_log.actor_user_id IS 'Acting user set per transaction by the server (not a foreign key), NULL = no user context (e.g. batch job)';
COMMENT ON COLUMN audit_log.table_name IS 'Name of the table the event concerns';
COMMENT ON COLUMN audit_log.row_id IS 'Key of the affected row: the first primary key column when it is a number (user_id for user_roles, role_id for role_permissions, material_id for material_authors), NULL for a text key (app_settings, jobs: the key heads the values) or an event not tied to one row';
COMMENT ON COLUMN audit_log.action IS 'Audited event: INSERT = row created, UPDATE = row changed, DELETE = row removed, OVERRIDE = staff override of a circulation rule, LOGIN = successful login, LOGIN_FAILED = failed login attempt';
COMMENT ON COLUMN audit_log.old_values IS 'Column values before the event as name=value pairs separated by semicolons (UPDATE: the key columns row_id does not hold, then only the changed columns; DELETE: every non-NULL column; password hashes written as ***), NULL when there was no prior row (INSERT) or for events';
COMMENT ON COLUMN audit_log.new_values IS 'Column values after the event as name=value pairs separated by semicolons (UPDATE: the key columns row_id does not hold, then only the changed columns; INSERT: every non-NULL column; password hashes written as ***), details text for events (OVERRIDE, LOGIN, LOGIN_FAILED), NULL when no row remains (DELETE)';
