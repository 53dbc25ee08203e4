"""docker-compose.yml cannot run here (no Docker engine): its agreement with the code is checked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
ENV_EXAMPLE = dict(
    line.split("=", 1)
    for line in (ROOT / ".env.example").read_text().splitlines()
    if line and not line.startswith("#")
)
SETTINGS = (ROOT / "readiness" / "settings.py").read_text()


def settings_variables() -> set[str]:
    return set(re.findall(r'env_\w+\("([A-Z_]+)"', SETTINGS))


def test_compose_runs_web_worker_database_and_redis_from_one_image():
    services = COMPOSE["services"]
    assert {"web", "worker", "db", "redis"} <= set(services)
    assert services["web"]["image"] == services["worker"]["image"]
    assert services["web"]["build"] == "." and (ROOT / "Dockerfile").exists()
    assert "gunicorn readiness.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A readiness worker")
    # The reconciler is periodic work: beat must run it.
    assert services["beat"]["command"].startswith("celery -A readiness beat")
    assert services["beat"]["image"] == services["web"]["image"]


def test_every_service_has_a_health_check_and_web_waits_for_its_dependencies():
    for name, service in COMPOSE["services"].items():
        assert "healthcheck" in service, name
    assert COMPOSE["services"]["web"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_the_web_health_check_asks_a_path_the_service_serves(client, db):
    test = " ".join(COMPOSE["services"]["web"]["healthcheck"]["test"])
    path = re.search(r"http://localhost:8000(/\S*)", test).group(1)
    assert client.get(path, HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_env_example_names_the_variables_production_needs_and_settings_read():
    required = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    assert required <= set(ENV_EXAMPLE)
    assert required <= settings_variables()
    assert ENV_EXAMPLE["DEBUG"] == "false"
    for name in set(ENV_EXAMPLE) - {"POSTGRES_PASSWORD"}:
        assert name in settings_variables(), f"{name} in .env.example is not read by settings"


def test_the_database_url_points_at_the_compose_database():
    db = COMPOSE["services"]["db"]["environment"]
    url = ENV_EXAMPLE["DATABASE_URL"]
    assert url.startswith(f"postgres://{db['POSTGRES_USER']}:")
    assert url.endswith(f"@db:5432/{db['POSTGRES_DB']}")
    assert ENV_EXAMPLE["REDIS_URL"].startswith("redis://redis:6379")


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import django; django.setup(); print('started')"
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"DJANGO_SETTINGS_MODULE": "readiness.settings"} | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_on_the_development_secret_key():
    refused = _start({"DEBUG": "false"})
    assert refused.returncode != 0
    assert "SECRET_KEY is the development key" in refused.stderr
    assert _start({"DEBUG": "false", "SECRET_KEY": "x" * 50}).returncode == 0


def test_without_redis_the_log_says_once_that_scoring_runs_in_process():
    started = _start({"DEBUG": "true"})
    assert started.stderr.count("scoring tasks run in-process") == 1
