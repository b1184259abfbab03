"""The Oracle DBA scripts, the Oracle CI workflow and the compose stack, checked without a database
(no Oracle server or Docker engine runs here; the workflow runs them for real):

- every SQL*Plus script stops at the first error with a failure exit code (WHENEVER ... EXIT FAILURE);
- create_users.sql grants the privileges the installer's pre-flight checks, the install runs the
  pre-flight first and the grants before its verify step, uninstall.sql drops every object it creates;
- the jobs are scheduled in the library's time zone, not the database host's offset;
- python-oracledb runs create_users.sql with its substitution variables as binds;
- the workflow parses and names only commands and files that exist; compose uses the same image and
  creates the accounts, the schema and the jobs.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from database import oracle_install
from database import versioning
from database.postgres import build
from scripts import cli
from tests.test_translation_rules import code_only

ROOT = Path(__file__).resolve().parents[1]
DATABASE = ROOT / "database"
WORKFLOW = ROOT / ".github" / "workflows" / "oracle.yml"
COMPOSE = ROOT / "docker-compose.yml"
IMAGE = "gvenzl/oracle-free:23"
OWNER_PRIVILEGES = {"CREATE SESSION", "CREATE TABLE", "CREATE SEQUENCE", "CREATE VIEW", "CREATE TRIGGER",
                    "CREATE PROCEDURE", "CREATE JOB"}
# the scripts a person or CI runs with SQL*Plus/SQLcl (the numbered files are only included by install.sql)
SQLPLUS_SCRIPTS = sorted(p for p in DATABASE.glob("*.sql") if not p.name[0].isdigit())


@pytest.fixture(autouse=True)
def _engine_markers():
    """Override tests/conftest.py's autouse fixture: these tests never touch a database."""


def _installed_files() -> list[Path]:
    """Every file install.sql runs, Oracle-only ones included, in its order."""
    return versioning.install_files()


# ---- SQL*Plus error handling ---------------------------------------------------------------------

def test_the_sqlplus_scripts_are_the_ones_expected():
    assert {p.name for p in SQLPLUS_SCRIPTS} >= {"install.sql", "uninstall.sql", "install_jobs.sql",
                                                 "uninstall_jobs.sql", "create_users.sql", "grants_oracle.sql"}


@pytest.mark.parametrize("script", SQLPLUS_SCRIPTS, ids=lambda p: p.name)
def test_sqlplus_script_exits_with_failure_on_any_error_before_it_runs_anything(script):
    head = []
    for line in script.read_text().splitlines():  # the lines before the first statement or include
        if line.strip() and not re.match(r"\s*(--|WHENEVER\b|SET\b|PROMPT\b)", line, re.I):
            break
        head.append(line.strip().upper())
    assert "WHENEVER SQLERROR EXIT FAILURE ROLLBACK" in head
    assert "WHENEVER OSERROR EXIT FAILURE" in head


def test_no_script_exits_with_the_sqlcode_or_continues_after_an_error():
    # SQL.SQLCODE reaches the shell modulo 256 (ORA-01536 exits 0); CONTINUE hides a failed drop
    for path in [*DATABASE.rglob("*.sql"), *(ROOT / "plsql").glob("*")]:
        for line in path.read_text().splitlines():
            assert not re.match(r"(?i)\s*WHENEVER\s+\w+\s+(EXIT\s+SQL\.SQLCODE|CONTINUE)", line), f"{path.name}: {line}"


# ---- accounts, pre-flight, grants ----------------------------------------------------------------

def _literals(path: Path) -> str:
    """The code of a script with its string literals joined where || concatenates them."""
    return re.sub(r"'\s*\|\|\s*'", "", path.read_text())


def test_create_users_grants_the_owner_what_the_preflight_checks():
    users = code_only(_literals(DATABASE / "create_users.sql"))
    text = _literals(DATABASE / "create_users.sql")
    owner_grant = re.search(r"'GRANT (CREATE SESSION[^']*) TO ' \|\| l_owner", text).group(1)
    granted = {p.strip() for p in owner_grant.split(",")}
    assert granted == OWNER_PRIVILEGES
    preflight = (DATABASE / "000_preflight_oracle.sql").read_text()
    assert set(re.findall(r"SELECT '(CREATE \w+)'", preflight)) == OWNER_PRIVILEGES
    assert "QUOTA UNLIMITED ON" in text and "user_ts_quotas" in preflight and "UNLIMITED TABLESPACE" in preflight
    assert "CREATE USER" in text and "dba_users" in users  # an existing user is kept, not re-created


def test_create_users_gives_the_application_user_only_create_session_and_the_role():
    text = _literals(DATABASE / "create_users.sql")
    assert re.findall(r"'GRANT ([^']*) TO ' \|\| l_app_user", text) == ["CREATE SESSION"]
    assert re.search(r"'GRANT ' \|\| l_role \|\| ' TO ' \|\| l_app_user", text)
    assert re.search(r"'GRANT ' \|\| l_role \|\| ' TO ' \|\| l_owner", text)  # the preflight sees it
    assert "l_owner || '_APP_ROLE'" in text


def test_install_runs_the_preflight_first_and_the_grants_before_the_verify_step():
    names = [p.name for p in _installed_files()]
    assert names[0] == "000_preflight_oracle.sql"
    assert names[-3:] == ["grants_oracle.sql", "099_verify_oracle.sql", "999_stamp_version_oracle.sql"]
    assert "000_preflight_oracle.sql" not in {p.name for p in build.sources()}  # Oracle only
    assert "grants_oracle.sql" not in {p.name for p in build.sources()}
    assert (ROOT / "database" / "postgres" / "grants.sql") in build.ENGINE_EXTRAS


def test_preflight_and_grants_name_the_role_create_users_creates():
    for name in ("000_preflight_oracle.sql", "grants_oracle.sql"):
        text = (DATABASE / name).read_text()
        assert "USER || '_APP_ROLE'" in text and "user_role_privs" in text, name
        assert "create_users.sql" in text, name  # the message says what to run


def test_every_spec_declares_a_lib_package_so_the_grants_reach_it():
    # grants_oracle.sql grants EXECUTE on LIB_% packages, grants.sql USAGE on lib_% schemas
    for spec in (ROOT / "plsql").glob("*.pks"):
        assert re.search(r"(?im)^CREATE OR REPLACE PACKAGE lib_\w+ AS", spec.read_text()), spec.name


CREATE = re.compile(r"(?im)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(TABLE|VIEW|PACKAGE|TRIGGER)\s+(?!BODY\b)(\w+)")


def _created_objects() -> set[tuple[str, str]]:
    created = set()
    for path in _installed_files():
        for kind, name in CREATE.findall(code_only(path.read_text())):
            created.add((kind.upper(), name.upper()))
    return created


def test_uninstall_drops_every_object_the_install_creates_and_nothing_else():
    text = (DATABASE / "uninstall.sql").read_text()
    dropped = set(re.findall(r"drop_object\('(\w+)', '(\w+)'\)", text))
    created = _created_objects()
    assert len(created) > 40
    assert created == dropped
    assert not re.search(r"(?im)^\s*DROP\s", code_only(text))  # every drop goes through the existence check


# ---- jobs ------------------------------------------------------------------------------------------

def test_jobs_are_scheduled_in_the_library_time_zone():
    code = code_only((DATABASE / "install_jobs.sql").read_text())
    text = (DATABASE / "install_jobs.sql").read_text()
    assert not re.search(r"start_date\s*=>\s*SYSTIMESTAMP", code, re.I)  # the host's offset, no DST
    assert re.search(r"start_date\s*=>\s*l_start", code)
    assert "'LIBRARY_TIME_ZONE'" in text and "l_time_zone VARCHAR2(64) := 'UTC'" in text
    assert re.search(r"SYSTIMESTAMP AT TIME ZONE l_time_zone INTO l_start", code)


# ---- python-oracledb runs create_users.sql ---------------------------------------------------------

class _Cursor:
    def __init__(self, log):
        self.log, self.warning = log, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, stmt, binds=None):
        self.log.append((stmt, binds))


class _Conn:
    def __init__(self):
        self.log = []

    def cursor(self):
        return _Cursor(self.log)

    def commit(self):
        pass


def test_create_users_through_python_passes_the_values_as_binds():
    conn = _Conn()
    n = oracle_install.create_users(conn, owner="ILS_TEST", owner_password="o'wn\"er", app_password="app pw")
    assert n == 1
    stmt, binds = conn.log[0]
    assert binds == {"ils_owner": "ILS_TEST", "ils_owner_password": "o'wn\"er", "ils_app_user": "",
                     "ils_app_password": "app pw", "ils_tablespace": ""}
    assert "&" not in stmt and ":ils_owner_password" in stmt and "o'wn" not in stmt


def test_a_substitution_variable_without_a_value_is_refused(tmp_path):
    script = tmp_path / "s.sql"
    script.write_text("BEGIN\n    x := '&&missing';\nEND;\n/\n")
    with pytest.raises(RuntimeError, match="missing"):
        oracle_install.run_script(_Conn(), script, defines={})


def test_the_cli_asks_for_the_passwords_and_urls_before_connecting(monkeypatch, capsys):
    for name in ("ILS_OWNER_PASSWORD", "ILS_APP_USER_PASSWORD", "ILS_DBA_URL", "ILS_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["oracle", "create-users", "--url", "oracle+oracledb://system:pw@h:1521/FREEPDB1"]) == 2
    assert "ILS_OWNER_PASSWORD" in capsys.readouterr().out
    assert cli.main(["oracle", "install-jobs"]) == 2
    assert "ILS_DATABASE_URL" in capsys.readouterr().out


# ---- the CI workflow -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def _steps(workflow) -> list[dict]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def _commands(workflow) -> list[tuple[str, str]]:
    """(working directory, command line) of every shell line of every step, continuations joined."""
    out = []
    for step in _steps(workflow):
        lines = step.get("run", "").replace("\\\n", " ").splitlines()
        out += [(step.get("working-directory", "."), line.strip()) for line in lines if line.strip()]
    return out


def test_workflow_runs_on_pushes_with_oracle_free_as_a_healthy_service(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "pull_request" in triggers
    (job,) = workflow["jobs"].values()
    service = job["services"]["oracle"]
    assert service["image"] == IMAGE
    assert "--health-cmd healthcheck.sh" in service["options"]
    assert job["container"].startswith("debian:12")  # scripts/setup.sh installs Debian 12 packages


def test_workflow_creates_users_installs_schedules_then_tests_in_that_order(workflow):
    lines = [line for _, line in _commands(workflow)]

    def first(pattern):
        return next(i for i, line in enumerate(lines) if re.search(pattern, line))

    order = [first(r"@create_users\.sql"), first(r"^scripts/ils oracle install --url"),
             first(r"^scripts/ils oracle install-jobs"), first(r"^scripts/ils oracle create-users"),
             first(r"^scripts/ils test")]
    assert order == sorted(order)
    test_step = next(s for s in _steps(workflow) if "scripts/ils test" in s.get("run", ""))
    assert test_step["env"]["ILS_DATABASE_URL"].startswith("oracle+oracledb://ils_test:")


def test_every_command_and_file_the_workflow_names_exists(workflow):
    parser = cli.build_parser()
    checked = 0
    for workdir, line in _commands(workflow):
        for part in re.split(r"\s*(?:&&|\|)\s*", line):
            words = shlex.split(part) if part and not part.startswith("#") else []
            if words[:1] == ["scripts/ils"]:
                if words[1] != "test":  # `test` hands everything after it to pytest
                    parser.parse_args(words[1:])  # exits (SystemExit) on an unknown command or option
                checked += 1
            for word in words:  # repository files, and the scripts SQLcl runs (@file, from its folder)
                if re.match(r"^@?[\w./-]+\.(sql|sh|py)$", word) or word.startswith(("scripts/", "database/")):
                    assert (ROOT / workdir / word.lstrip("@")).exists(), f"{workdir}: {word}"
                    checked += 1
    assert checked >= 8


# ---- compose ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_uses_the_workflow_image_and_sets_up_accounts_schema_and_jobs(compose):
    services = compose["services"]
    assert services["oracle"]["image"] == IMAGE
    setup = services["setup"]
    assert setup["depends_on"]["oracle"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["setup"]["condition"] == "service_completed_successfully"
    invocations = re.findall(r"python -m scripts\.cli ([^&]+?)(?: &&|$)", " ".join(setup["command"]))
    parser = cli.build_parser()
    for invocation in invocations:
        parser.parse_args(invocation.split())
    assert [i.split()[:2] for i in invocations] == [["oracle", "create-users"], ["oracle", "install"],
                                                     ["oracle", "install-jobs"], ["admin", "bootstrap"]]
    env = setup["environment"]
    assert env["ILS_DBA_URL"].startswith("oracle+oracledb://system:")
    assert {"ILS_OWNER_PASSWORD", "ILS_APP_USER_PASSWORD", "ILS_DATABASE_URL", "ILS_ADMIN_PASSWORD"} <= set(env)
    assert "ILS_DBA_URL" not in services["app"]["environment"]  # the app never gets the SYSTEM password


def test_an_oracle_upgrade_drops_the_code_objects_the_sources_no_longer_create():
    from database.oracle_install import OURS, retired_code, source_code_objects
    sources = source_code_objects()
    kinds = {k for k, _ in sources}
    assert kinds == {"PACKAGE", "VIEW", "TRIGGER"} and ("PACKAGE", "LIB_CIRCULATION") in sources
    # every object the sources create is named by the convention, so the rule sees them all ...
    assert [o for o in sources if not OURS[o[0]].match(o[1])] == []
    # ... and drops only retired ones named so, never a current one nor a DBA's own object
    existing = sorted(sources) + [("PACKAGE", "LIB_RETIRED"), ("VIEW", "OLD_LOANS_V"), ("TRIGGER", "GONE_TRG"),
                                  ("PACKAGE", "DBA_TOOLS"), ("VIEW", "REPORTING"), ("TRIGGER", "LOGON_AUDIT")]
    assert retired_code(existing, sources) == ["DROP PACKAGE LIB_RETIRED", "DROP TRIGGER GONE_TRG",
                                               "DROP VIEW OLD_LOANS_V"]
