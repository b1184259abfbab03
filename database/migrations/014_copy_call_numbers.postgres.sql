-- 014_copy_call_numbers: cataloging screens (issue 14).
-- 1. copies.call_number (as printed on the spine label) and copies.call_number_sort, its sort key computed
--    by lib_catalog.call_number_key (numbers padded, case folded) and indexed per branch: the pull list
--    walks the shelves in call number order. Existing copies have no call number (NULL sorts last).
-- 2. materials.is_hidden: a hidden title is left out of the public catalog (lib_catalog.set_hidden).
-- 3. Setting DUPLICATE_ISBN: REFUSE or WARN when a title gets an ISBN another title has.
-- 4. The refusals of copy editing, hiding and deleting titles, duplicate ISBNs.
-- PostgreSQL text, as the build translates the install files (the Oracle one is 014_copy_call_numbers.oracle.sql).

ALTER TABLE copies ADD COLUMN call_number varchar(60);
ALTER TABLE copies ADD COLUMN call_number_sort varchar(200);
COMMENT ON COLUMN copies.call_number IS E'Call number as printed on the spine label (Dewey, LC or local), NULL = none';
COMMENT ON COLUMN copies.call_number_sort IS E'Sort key of the call number, computed by lib_catalog.call_number_key: upper case, every run of digits padded so 9 sorts before 10; NULL = no call number';
CREATE INDEX copies_call_number_sort_i ON copies (branch_id, call_number_sort);

ALTER TABLE materials ADD COLUMN is_hidden char(1) NOT NULL DEFAULT 'N';
COMMENT ON COLUMN materials.is_hidden IS E'Y = hidden: left out of the public catalog (search and title pages), still shown to staff; N = shown';
ALTER TABLE materials ADD CONSTRAINT materials_is_hidden_ck CHECK ((is_hidden IN ('Y', 'N')));

INSERT INTO app_settings (name, value, description, value_type) VALUES ('DUPLICATE_ISBN', 'WARN', 'What adding or changing a title does when another title has the same ISBN: REFUSE = refused (DUPLICATE_ISBN), WARN = accepted, the screens warn', 'TEXT');

INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20580, 'DUPLICATE_ISBN', 409, 'Another title already has this ISBN.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20581, 'MATERIAL_IN_CIRCULATION', 409, 'A copy of this title is on loan or kept for a hold, or holds wait for it: check the copies in and settle the holds first.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20582, 'MATERIAL_HAS_HISTORY', 409, 'This title has loan or hold history and cannot be deleted: hide it, or withdraw its copies.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20583, 'COPY_BRANCH_LOCKED', 409, 'The copy cannot change branch while it is on loan or kept for a hold.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20584, 'COPY_WITHDRAWN', 409, 'The copy is withdrawn from the collection and can no longer be edited.');
