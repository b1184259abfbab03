"""pg_cron runs the nightly jobs in the embedded PostgreSQL: schedules exist and fire.

pg_cron lives in one database of the cluster (cron.database_name, `ils` in the embedded cluster) and
runs each job in its target database (cron.schedule_in_database): the schedules are made there with
the test URL's credentials and target the test database. The installed pg_cron (1.4) has no seconds
syntax, so the job under test runs every minute and the test waits for its run row (up to ~130 s).
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import psycopg
import pytest

from datalayer.session import connect
from scripts import jobs

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def cron(installed_db):
    """(URL of the pg_cron database, target database name); every schedule of the target removed after."""
    target = urlsplit(installed_db).path.lstrip("/")
    cron_url = jobs._with_database(installed_db, jobs.cron_database(installed_db))
    jobs.unschedule_pg(cron_url, target)
    yield cron_url, target
    jobs.unschedule_pg(cron_url, target)


def _cron_jobs(cron_url: str, target: str) -> dict[str, tuple]:
    with psycopg.connect(cron_url, autocommit=True) as conn:
        return {name: (schedule, command, active) for name, schedule, command, active in conn.execute(
            "SELECT jobname, schedule, command, active FROM cron.job WHERE database = %s", (target,)).fetchall()}


def test_schedule_pg_creates_one_schedule_per_job_and_refreshes_in_place(cron, installed_db):
    cron_url, target = cron

    jobs.schedule_pg(cron_url, target, {"ACCRUE_FINES": "03:45"})
    jobs.schedule_pg(cron_url, target, {"ACCRUE_FINES": "04:05"})

    found = _cron_jobs(cron_url, target)
    assert set(found) == {f"{j}@{target}" for j in
                          ("EXPIRE_PATRONS", "EXPIRE_HOLDS", "ACCRUE_FINES", "MARK_LOST", "GENERATE_NOTICES")}
    assert found[f"ACCRUE_FINES@{target}"] == ("5 4 * * *", "CALL lib_jobs.accrue_fines(NULL)", True)
    assert found[f"EXPIRE_PATRONS@{target}"][0] == "15 0 * * *"  # the catalog's default time
    assert jobs.schedules(installed_db)["MARK_LOST"]["schedule"] == "30 1 * * *"


def test_unknown_job_in_times_is_refused(cron):
    cron_url, target = cron
    with pytest.raises(jobs.UsageError):
        jobs.schedule_pg(cron_url, target, {"NO_SUCH_JOB": "01:00"})


def test_pg_cron_fires_the_job_in_the_target_database(cron, installed_db):
    cron_url, target = cron
    s = connect(installed_db)
    try:
        before = s.scalar("SELECT COALESCE(MAX(run_id), 0) FROM job_runs WHERE job_name = 'EXPIRE_PATRONS'")
        s.rollback()

        jobs.schedule_pg(cron_url, target, {"EXPIRE_PATRONS": "* * * * *"})

        run = None
        deadline = time.monotonic() + 130
        while time.monotonic() < deadline:
            run = s.one("SELECT run_id, status, error_text FROM job_runs WHERE job_name = 'EXPIRE_PATRONS' "
                        "AND run_id > :b AND status <> 'RUNNING' ORDER BY run_id FETCH FIRST 1 ROWS ONLY",
                        {"b": before})
            s.rollback()
            if run:
                break
            time.sleep(1)
    finally:
        s.close()
    assert run is not None, "pg_cron did not run EXPIRE_PATRONS within 130 s"
    assert run["status"] == "SUCCEEDED", run["error_text"]
    # pg_cron's own record of the run ends a moment after the job's last commit
    status = None
    with psycopg.connect(cron_url, autocommit=True) as conn:
        for _ in range(20):
            status = conn.execute("SELECT d.status FROM cron.job_run_details d JOIN cron.job j ON j.jobid = d.jobid "
                                  "WHERE j.jobname = %s ORDER BY d.runid DESC LIMIT 1",
                                  (f"EXPIRE_PATRONS@{target}",)).fetchone()
            if status != ("running",):
                break
            time.sleep(0.5)
    assert status == ("succeeded",)
