-- 020_indexes.sql: an index for every foreign key and every hot lookup of the desk and the jobs.
-- Unique keys (copy barcode, patron card, usernames) already have their index from 010_tables.sql.

-- usernames are unique ignoring case, and logins look them up that way
CREATE UNIQUE INDEX users_username_upper_uk ON users (UPPER(username));
CREATE INDEX user_roles_role_id_i ON user_roles (role_id);
CREATE INDEX user_roles_granted_by_i ON user_roles (granted_by);
CREATE INDEX role_permissions_perm_id_i ON role_permissions (permission_id);
CREATE INDEX users_home_branch_id_i ON users (home_branch_id);
CREATE INDEX closed_days_closed_on_i ON closed_days (closed_on, branch_id);
-- one row per branch (or library-wide) and weekday
CREATE UNIQUE INDEX closed_weekdays_branch_day_uk ON closed_weekdays (COALESCE(branch_id, -1), iso_weekday);
CREATE INDEX closed_weekdays_branch_id_i ON closed_weekdays (branch_id);
-- Unique keys over nullable columns are unique indexes over COALESCE(col, sentinel): Oracle rejects a key
-- repeated with some NULL parts (and skips only all-NULL keys), PostgreSQL takes NULLs as distinct. Keyed
-- this way, both refuse a second library-wide closed day (branch NULL) on a date and a second policy of a
-- scope (NULL = any), the default policy (NULL, NULL, NULL) included. -1 is no branch id (identity keys
-- start at 1); '*' is no category or material type (their checks list the values).
CREATE UNIQUE INDEX closed_days_branch_date_uk ON closed_days (COALESCE(branch_id, -1), closed_on);
CREATE UNIQUE INDEX circ_policies_scope_uk ON circ_policies (COALESCE(branch_id, -1), COALESCE(patron_category, '*'),
    COALESCE(material_type, '*'));
CREATE INDEX patrons_home_branch_id_i ON patrons (home_branch_id);
CREATE INDEX patrons_last_name_i ON patrons (UPPER(last_name), UPPER(first_name));
CREATE INDEX patrons_email_i ON patrons (UPPER(email));
CREATE INDEX patrons_expires_on_i ON patrons (expires_on, status);
CREATE INDEX genres_parent_genre_id_i ON genres (parent_genre_id);
CREATE INDEX authors_sort_name_i ON authors (UPPER(sort_name));
CREATE INDEX materials_genre_id_i ON materials (genre_id);
CREATE INDEX materials_isbn_i ON materials (isbn);
CREATE INDEX materials_title_i ON materials (UPPER(title));
CREATE INDEX materials_type_i ON materials (material_type);
CREATE INDEX material_authors_author_id_i ON material_authors (author_id);
CREATE INDEX copies_material_id_i ON copies (material_id, status);
CREATE INDEX copies_branch_id_i ON copies (branch_id, status);
CREATE INDEX copies_call_number_sort_i ON copies (branch_id, call_number_sort);
CREATE INDEX circ_policies_category_i ON circ_policies (patron_category);
CREATE INDEX circ_policies_type_i ON circ_policies (material_type);
-- active loans by patron and by copy: the checkout limit and the check-in lookup
CREATE INDEX loans_patron_status_i ON loans (patron_id, status);
CREATE INDEX loans_copy_status_i ON loans (copy_id, status);
CREATE INDEX loans_status_due_i ON loans (status, due_at);
CREATE INDEX loans_branch_id_i ON loans (branch_id);
CREATE INDEX loans_return_branch_id_i ON loans (return_branch_id);
CREATE INDEX loans_policy_id_i ON loans (policy_id);
CREATE INDEX loans_checkout_by_i ON loans (checkout_by);
CREATE INDEX loans_return_by_i ON loans (return_by);
CREATE INDEX loans_checkout_at_i ON loans (checkout_at);
CREATE INDEX loans_returned_at_i ON loans (returned_at);
-- the hold queue: by material, status and placement time
CREATE INDEX holds_queue_i ON holds (material_id, status, placed_at, hold_id);
CREATE INDEX holds_patron_status_i ON holds (patron_id, status);
CREATE INDEX holds_status_expires_i ON holds (status, expires_at);
CREATE INDEX holds_pickup_branch_id_i ON holds (pickup_branch_id, status);
CREATE INDEX holds_copy_id_i ON holds (copy_id);
CREATE INDEX holds_loan_id_i ON holds (loan_id);
CREATE INDEX fines_patron_status_i ON fines (patron_id, status);
CREATE INDEX fines_loan_id_i ON fines (loan_id);
-- at most one overdue and one lost charge per loan: the accrual MERGE relies on it (fines_loan_charge_ck
-- makes both keys NULL or both set, so the engines agree)
CREATE UNIQUE INDEX fines_loan_charge_uk ON fines (
    CASE WHEN fine_type = 'OVERDUE' OR fine_type = 'LOST' THEN loan_id END,
    CASE WHEN fine_type = 'OVERDUE' OR fine_type = 'LOST' THEN fine_type END);
CREATE INDEX fines_waived_by_i ON fines (waived_by);
CREATE INDEX payments_fine_id_i ON payments (fine_id);
CREATE INDEX payments_patron_id_i ON payments (patron_id);
CREATE INDEX payments_received_by_i ON payments (received_by);
CREATE INDEX payments_paid_at_i ON payments (paid_at);
CREATE INDEX audit_log_table_row_i ON audit_log (table_name, row_id);
CREATE INDEX audit_log_actor_i ON audit_log (actor_user_id, occurred_at);
CREATE INDEX audit_log_occurred_at_i ON audit_log (occurred_at);
-- a copy's inspection history, newest first; the other keys of copy_inspections
CREATE INDEX copy_inspections_copy_i ON copy_inspections (copy_id, inspected_at);
CREATE INDEX copy_inspections_loan_id_i ON copy_inspections (loan_id);
CREATE INDEX copy_inspections_grade_i ON copy_inspections (grade);
CREATE INDEX copy_inspections_by_i ON copy_inspections (inspected_by);
CREATE INDEX copy_inspections_fine_id_i ON copy_inspections (fine_id);
CREATE INDEX transits_copy_id_i ON transits (copy_id, received_at);
CREATE INDEX transits_to_branch_i ON transits (to_branch_id, received_at);
CREATE INDEX transits_from_branch_i ON transits (from_branch_id, received_at);
CREATE INDEX transits_hold_id_i ON transits (hold_id);
CREATE INDEX transits_sent_by_i ON transits (sent_by);
CREATE INDEX transits_received_by_i ON transits (received_by);
CREATE INDEX transits_received_branch_id_i ON transits (received_branch_id);
CREATE INDEX transits_cancelled_by_i ON transits (cancelled_by);
