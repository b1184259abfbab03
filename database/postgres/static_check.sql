-- plpgsql_check over every translated routine (package schemas lib_*) and every PL/pgSQL trigger function
-- (pg_cron's own C trigger lives in the application database too).
-- Each row returned is a finding; the build fails on any.
SELECT p.oid::regprocedure::text AS routine, c.lineno, c.statement, c.sqlstate, c.message, c.detail, c.hint, c.level
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  CROSS JOIN LATERAL plpgsql_check_function_tb(p.oid) c
 WHERE n.nspname LIKE 'lib\_%' AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
   AND p.prorettype <> 'trigger'::regtype
UNION ALL
SELECT p.oid::regprocedure::text, c.lineno, c.statement, c.sqlstate, c.message, c.detail, c.hint, c.level
  FROM pg_trigger t
  JOIN pg_proc p ON p.oid = t.tgfoid
  CROSS JOIN LATERAL plpgsql_check_function_tb(p.oid, t.tgrelid) c
 WHERE NOT t.tgisinternal AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
