-- triggers.sql: the triggers written by hand (thin: one call into a package). The audit triggers of the
-- audited tables are generated into audit_triggers.sql (database/tooling/audit_triggers.py).
-- The call is a function call in an IF whose result is ignored: ora2pg translates triggers in a pass that
-- does not know the package procedures, so a procedure call would not become CALL on PostgreSQL.

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

-- The search documents (lib_search): a title's own columns are copied row by row (and its document removed
-- before it); a change of credits or of an author's name marks the documents concerned stale row by row,
-- and a trigger after the statement refreshes them (a row trigger of material_authors may not query
-- material_authors: ORA-04091). ora2pg makes the statement triggers row triggers, which PostgreSQL allows
-- to query their table; it fires the triggers of an event in name order, so *_mark_trg runs before
-- *_refresh_trg there too.
CREATE OR REPLACE TRIGGER materials_search_trg
AFTER INSERT OR UPDATE OF title, subtitle, isbn ON materials
FOR EACH ROW
BEGIN
    IF INSERTING THEN
        IF lib_search.title_added(:NEW.material_id, :NEW.title, :NEW.subtitle, :NEW.isbn) IS NULL THEN
            NULL;
        END IF;
    ELSE
        IF lib_search.title_changed(:NEW.material_id, :NEW.title, :NEW.subtitle, :NEW.isbn) IS NULL THEN
            NULL;
        END IF;
    END IF;
END materials_search_trg;
/

CREATE OR REPLACE TRIGGER materials_search_remove_trg
BEFORE DELETE ON materials
FOR EACH ROW
BEGIN
    IF lib_search.title_removed(:OLD.material_id) IS NULL THEN
        NULL;
    END IF;
END materials_search_remove_trg;
/

CREATE OR REPLACE TRIGGER credits_search_mark_trg
AFTER INSERT OR UPDATE OR DELETE ON material_authors
FOR EACH ROW
BEGIN
    IF INSERTING OR UPDATING THEN
        IF lib_search.credits_changed(:NEW.material_id) IS NULL THEN
            NULL;
        END IF;
    END IF;
    IF DELETING OR UPDATING THEN
        IF lib_search.credits_changed(:OLD.material_id) IS NULL THEN
            NULL;
        END IF;
    END IF;
END credits_search_mark_trg;
/

CREATE OR REPLACE TRIGGER credits_search_refresh_trg
AFTER INSERT OR UPDATE OR DELETE ON material_authors
BEGIN
    IF lib_search.refresh_stale() IS NULL THEN
        NULL;
    END IF;
END credits_search_refresh_trg;
/

CREATE OR REPLACE TRIGGER authors_search_mark_trg
AFTER UPDATE OF full_name ON authors
FOR EACH ROW
BEGIN
    IF lib_search.author_renamed(:NEW.author_id) IS NULL THEN
        NULL;
    END IF;
END authors_search_mark_trg;
/

CREATE OR REPLACE TRIGGER authors_search_refresh_trg
AFTER UPDATE OF full_name ON authors
BEGIN
    IF lib_search.refresh_stale() IS NULL THEN
        NULL;
    END IF;
END authors_search_refresh_trg;
/
