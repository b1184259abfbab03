"""Oracle syntax gate: every Oracle source file must parse with a real Oracle grammar.

    python -m database.tooling.syntax_gate [--jobs N] [--no-cache] [paths...]

Default paths: every *.sql, *.pks, *.pkb, *.trg under database/ and plsql/, except database/postgres/
(PostgreSQL compat files, not Oracle source) and *.postgres.sql (the PostgreSQL text of a migration
whose engines need different SQL). A directory argument expands the same way.
Exit status: 0 clean, 1 any finding (including a missing or unreadable file).

The grammar is sqlfluff's `oracle` dialect (pinned in requirements.txt). The gate adds what sqlfluff
does not check, reading each file the way SQL*Plus/SQLcl runs it:

1. SQL*Plus commands. At a statement boundary these command lines are checked by the gate's own
   patterns and then replaced by blank lines (line numbers stay the same), because sqlfluff rejects
   some of them (`WHENEVER`, `@@010_file.sql`, lower-case `prompt`):
   `@file`, `@@file` (the file must exist, relative to the script's folder), `START file`,
   `WHENEVER SQLERROR|OSERROR EXIT ...|CONTINUE ...`, `SET <SQL*Plus system variable> ...`
   (not `SET TRANSACTION`/`SET ROLE`/`SET CONSTRAINT(S)`, which are SQL), `PRO[MPT] [text]`,
   `REM[ARK] [text]`, `SHO[W] ERR[ORS] ...`, `SPO[OL] file|OFF`. `EXIT`/`QUIT` are reported: they would
   end an install.sql that runs the file.
2. Statement splitting as SQL*Plus does it: a PL/SQL unit (`CREATE [OR REPLACE] [EDITIONABLE |
   NONEDITIONABLE] PACKAGE | PACKAGE BODY | PROCEDURE | FUNCTION | TRIGGER | TYPE | TYPE BODY`, or an
   anonymous `DECLARE`/`BEGIN` block) runs up to a line holding only `/`; a SQL statement up to a `;` at
   the end of a line (or a `/` line). Findings: a unit or statement never terminated (SQL*Plus silently
   never runs it), a `/` with no statement before it (SQL*Plus runs the previous statement again), a
   blank line inside a SQL statement (SQL*Plus ends the statement there: SQLBLANKLINES is OFF by
   default), a UTF-8 byte order mark.
3. Each unit/statement is parsed alone and must be exactly one statement: two statements in one unit
   mean a missing `;` or `/` (sqlfluff alone accepts `CREATE TABLE t (...)` directly followed by the next
   statement). Code that sqlfluff's lexer would swallow as a SQL*Plus `PROMPT`/`ACCEPT`/`REMARK`
   command (an identifier starting with `PROMPT`, or `acc`/`rem` followed by text up to the end of the
   line) is reported, since it would go unchecked.
4. In the parse tree, errors the grammar tolerates but Oracle rejects: a PL/SQL statement not followed
   by `;` (`RETURN x` directly followed by `END f;`), two expressions with no `,` between them
   (`f(-20001 'text')`), `SELECT` without `INTO` as a PL/SQL statement (PLS-00428), `END name` not
   matching its procedure/function/trigger/package (PLS-00113). A PL/SQL unit must end with `;`.
5. Function-based indexes (sqlfluff 4.5 rejects any expression in an index column list) are checked
   in two parts instead of being skipped: the statement with the column list replaced by one column,
   and the column expressions as the ORDER BY list of a SELECT on the same table.

Packages of SPLIT_MIN_LINES lines or more are parsed per top-level procedure/function (each wrapped in a
dummy package) plus a skeleton holding the rest, so one big body uses both cores and an edit re-parses
one subprogram; if any part fails, the whole unit is parsed and decides. sqlfluff names only the first
line of a failing unit; the gate adds which procedure/function fails and, when it sees one, a likely
cause from plsql/SYNTAX_GATE.md.

Parsing runs in --jobs processes (default 2). Results per parsed text are cached under
.build/syntax_gate/ keyed by the sqlfluff version, the gate's source and the text.

The modules: sqlplus (masking, SQL*Plus commands, splitting), tasks (what is parsed for a unit), parse
(sqlfluff, the parse-tree checks, the cache), causes (naming what fails), findings, gate (the rounds and
the command line). The file set is database/tooling/sources.py's, shared with the semantic check.
"""
from __future__ import annotations

from database.tooling.sources import REPO_ROOT, default_paths
from database.tooling.syntax_gate.findings import Finding
from database.tooling.syntax_gate.gate import check, main
from database.tooling.syntax_gate.parse import DIALECT
from database.tooling.syntax_gate.sqlplus import Unit, split_sqlplus
from database.tooling.syntax_gate.tasks import SPLIT_MIN_LINES

__all__ = ["DIALECT", "REPO_ROOT", "SPLIT_MIN_LINES", "Finding", "Unit", "check", "default_paths", "main",
           "split_sqlplus"]
