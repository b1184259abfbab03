"""The Oracle deployment files: docker-compose.yml and the Dockerfile it builds.

No Docker engine runs here, so these tests check what can be checked without one: the compose file's
shape, that every variable the app needs is passed, and that the image's start command names commands
the CLI has. Where a compose client is installed, `config` must accept the file as well.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from scripts import cli

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
REQUIRED = {"ORACLE_PASSWORD": "pw1", "ILS_APP_PASSWORD": "pw2", "ILS_APP_USER_PASSWORD": "pw4",
            "ILS_JWT_SECRET": "s" * 48, "ILS_ADMIN_PASSWORD": "pw3"}


@pytest.fixture(autouse=True)
def _engine_markers():
    """Override tests/conftest.py's autouse fixture: these tests never touch a database."""


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_oracle_free_and_the_app_once_oracle_is_healthy(compose):
    oracle, app = compose["services"]["oracle"], compose["services"]["app"]
    assert oracle["image"].startswith("gvenzl/oracle-free:")
    assert app["depends_on"]["oracle"]["condition"] == "service_healthy"
    assert oracle["healthcheck"]["test"] and app["healthcheck"]["test"]
    assert "/healthz" in " ".join(app["healthcheck"]["test"])
    assert any(v.endswith(":/opt/oracle/oradata") for v in oracle["volumes"])  # data survives a restart


def test_compose_passes_every_secret_from_the_environment_and_stores_none(compose):
    app_env = compose["services"]["app"]["environment"]
    # the app is the application user in the owner's schema; only the setup service connects as the owner
    assert app_env["ILS_DATABASE_URL"].startswith("oracle+oracledb://ils_app:${ILS_APP_USER_PASSWORD:?")
    assert app_env["ILS_DB_SCHEMA"] == "ILS"
    assert compose["services"]["setup"]["environment"]["ILS_DATABASE_URL"].startswith(
        "oracle+oracledb://ils:${ILS_APP_PASSWORD}@oracle:1521/")
    text = COMPOSE.read_text()
    for name in REQUIRED:
        assert re.search(r"\$\{" + name + r":\?", text), f"{name} must be required, not defaulted"


def test_the_image_starts_with_commands_the_cli_has():
    cmd = " ".join(json.loads(re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.M).group(1)))
    parser = cli.build_parser()
    for invocation in re.findall(r"python -m scripts\.cli ([^&]+?)(?: &&|$)", cmd):
        parser.parse_args(invocation.split())  # exits (SystemExit) on an unknown command or option
    assert "uvicorn server.main:app" in cmd


def test_the_app_container_does_no_system_work(compose):
    """The app connects as the application user, which the packages refuse system work (no signed-in user):
    the first IT admin is made by the setup service, as the owner."""
    cmd = " ".join(json.loads(re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.M).group(1)))
    assert "admin bootstrap" not in cmd and "command" not in compose["services"]["app"]
    assert "admin bootstrap" in " ".join(compose["services"]["setup"]["command"])
    assert not {"ILS_ADMIN_USERNAME", "ILS_ADMIN_PASSWORD"} & set(compose["services"]["app"]["environment"])


def test_the_image_believes_x_forwarded_for_only_from_ils_trusted_proxies():
    """uvicorn's own default trusts 127.0.0.1; the image passes ILS_TRUSTED_PROXIES, empty when unset."""
    cmd = " ".join(json.loads(re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.M).group(1)))
    assert '--forwarded-allow-ips "${ILS_TRUSTED_PROXIES:-}"' in cmd


def _compose_client() -> str | None:
    """'v2' (the docker compose plugin), 'v1' (Debian's docker-compose) or None."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return "v2"
    return "v1" if shutil.which("docker-compose") else None


@pytest.mark.skipif(_compose_client() is None, reason="no compose client installed (optional: Debian's docker-compose)")
def test_a_compose_client_accepts_the_file(tmp_path):
    if _compose_client() == "v2":
        args = ["docker", "compose", "-f", str(COMPOSE), "config", "-q"]
    else:  # Compose v1 predates the top-level `name:` of the Compose specification
        v1 = tmp_path / "docker-compose.yml"
        v1.write_text(re.sub(r"^name: .*$", "", COMPOSE.read_text(), flags=re.M))
        (tmp_path / "Dockerfile").write_text("")
        args = ["docker-compose", "-f", str(v1), "config", "-q"]
    result = subprocess.run(args, env=REQUIRED, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
