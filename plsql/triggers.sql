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
