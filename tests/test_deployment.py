"""docker-compose.yml cannot run here (no Docker engine): its agreement with the code is checked."""

from __future__ import annotations

import json
import os
import re
import shlex
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
    assert {"migrate", "web", "worker", "db", "redis"} <= set(services)
    assert services["web"]["image"] == services["worker"]["image"] == services["migrate"]["image"]
    assert services["web"]["build"] == "." and (ROOT / "Dockerfile").exists()
    assert services["web"]["command"][:2] == ["gunicorn", "readiness.wsgi:application"]
    assert services["worker"]["command"].startswith("celery -A readiness worker")
    # The reconciler is periodic work: beat must run it.
    assert services["beat"]["command"].startswith("celery -A readiness beat")
    assert services["beat"]["image"] == services["web"]["image"]


def test_every_long_running_service_has_a_health_check():
    for name, service in COMPOSE["services"].items():
        assert ("healthcheck" in service) != (name == "migrate"), name


def test_migrations_run_once_in_a_one_shot_service_that_the_app_processes_wait_for():
    services = COMPOSE["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    # Restarted, a one-shot service would migrate in a loop and never count as completed.
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, name
    # Only the migrate service migrates: two web replicas must never both do it.
    others = [name for name in services if name != "migrate"]
    assert [name for name in others if "migrate" in str(services[name].get("command"))] == []


def command_words(service: dict) -> list[str]:
    command = service["command"]
    return command if isinstance(command, list) else shlex.split(command)


def seconds(duration: str) -> int:
    """A compose duration ("40s", "3m", "1m30s") in seconds."""
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert parts and duration, f"unreadable duration {duration!r}"
    return int(parts[1] or 0) * 60 + int(parts[2] or 0)


def test_signals_reach_gunicorn_and_celery_themselves_with_time_to_finish():
    # No shell in between: Docker's SIGTERM goes to the process that can shut down gracefully.
    for name, service in COMPOSE["services"].items():
        if "command" in service:
            assert command_words(service)[0] not in {"sh", "bash", "/bin/sh"}, name
    web = command_words(COMPOSE["services"]["web"])
    graceful = int(web[web.index("--graceful-timeout") + 1])
    assert 0 < graceful < seconds(COMPOSE["services"]["web"]["stop_grace_period"])


def test_a_stopping_worker_may_finish_the_longest_task():
    from django.conf import settings

    from readiness.celery import app

    app.loader.import_default_modules()
    longest = max(
        task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    )
    assert longest >= settings.CELERY_TASK_TIME_LIMIT
    assert seconds(COMPOSE["services"]["worker"]["stop_grace_period"]) > longest


def test_the_image_runs_what_compose_runs_and_installs_the_hashed_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*?\])$", dockerfile, re.M | re.S)[1].replace("\\\n", "")
    assert json.loads(cmd) == COMPOSE["services"]["web"]["command"]
    assert "COPY requirements.lock ." in dockerfile
    assert "RUN pip install --require-hashes -r requirements.lock" in dockerfile
    assert "requirements.txt" not in dockerfile


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
