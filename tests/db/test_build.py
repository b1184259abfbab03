"""The PostgreSQL build refuses what would only fail at run time (PostgreSQL only)."""
from urllib.parse import urlsplit

import psycopg
import pytest

from database.postgres import build

pytestmark = pytest.mark.postgres_only

BAD_SPEC = """CREATE OR REPLACE PACKAGE lib_broken AS
    FUNCTION patron_name(p_patron_id IN NUMBER) RETURN VARCHAR2;
END lib_broken;
/
"""
BAD_BODY = """CREATE OR REPLACE PACKAGE BODY lib_broken AS
    FUNCTION patron_name(p_patron_id IN NUMBER) RETURN VARCHAR2 IS
        l_name patrons.last_name%TYPE;
    BEGIN
        SELECT p.surname INTO l_name FROM patrons p WHERE p.patron_id = p_patron_id;
        RETURN l_name;
    END patron_name;
END lib_broken;
/
"""


def test_build_rejects_a_package_that_names_an_unknown_column(tmp_path, database_url):
    (tmp_path / "lib_broken.pks").write_text(BAD_SPEC)
    (tmp_path / "lib_broken.pkb").write_text(BAD_BODY)
    tables = [build.DATABASE_DIR / "009_vocabulary.sql", build.DATABASE_DIR / "010_tables.sql"]  # the keys need it
    files = [*tables, tmp_path / "lib_broken.pks", tmp_path / "lib_broken.pkb"]
    admin = urlsplit(database_url)._replace(path="/postgres").geturl()
    target = "ils_build_reject_probe"
    try:
        with pytest.raises(build.BuildError) as err:
            build.install(admin, target, files=files)
        assert "plpgsql_check" in str(err.value) and "surname" in str(err.value)
        with psycopg.connect(admin, autocommit=True) as conn:  # nothing half-built is left behind
            left = conn.execute("SELECT datname FROM pg_database WHERE datname = %s OR datname LIKE %s",
                                (target, f"ils_build_{build.source_hash(files)}%")).fetchall()
        assert left == []
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_unchanged_sources_reinstall_from_the_cached_build(database_url):
    admin = urlsplit(database_url)._replace(path="/postgres").geturl()
    target = "ils_build_cache_probe"
    try:
        first = build.install(admin, target)
        again = build.install(admin, target)
        assert again["cached"] is True and again["build"] == first["build"]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
