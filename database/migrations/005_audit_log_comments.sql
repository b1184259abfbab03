-- 005_audit_log_comments.sql: the data dictionary of audit_log says what the generated audit triggers write
-- (plsql/audit_triggers.sql, database/tooling/audit_triggers.py): every table is audited but audit_log,
-- schema_version and job_runs; row_id is the first key column when it is a number, NULL for a text key;
-- an UPDATE's values start with the key columns row_id does not hold. Comments only.

COMMENT ON TABLE audit_log IS 'Append-only audit trail of data changes, overrides and logins, never updated or deleted. Every table but audit_log, schema_version and job_runs writes its inserts, changes and deletes here through the triggers of plsql/audit_triggers.sql';
COMMENT ON COLUMN audit_log.row_id IS 'Key of the affected row: the first primary key column when it is a number (user_id for user_roles, role_id for role_permissions, material_id for material_authors), NULL for a text key (app_settings, jobs: the key heads the values) or an event not tied to one row';
COMMENT ON COLUMN audit_log.old_values IS 'Column values before the event as name=value pairs separated by semicolons (UPDATE: the key columns row_id does not hold, then only the changed columns; DELETE: every non-NULL column; password hashes written as ***), NULL when there was no prior row (INSERT) or for events';
COMMENT ON COLUMN audit_log.new_values IS 'Column values after the event as name=value pairs separated by semicolons (UPDATE: the key columns row_id does not hold, then only the changed columns; INSERT: every non-NULL column; password hashes written as ***), details text for events (OVERRIDE, LOGIN, LOGIN_FAILED), NULL when no row remains (DELETE)';
