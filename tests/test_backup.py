"""Backups: a dump of the live database, restored into a fresh one, gives back every report.

Byte for byte: each stored row of results, their pillar rows and recommendations, answers and
the benchmark compares equal as PostgreSQL's own text of the row (timestamps to the microsecond,
compressed JSON reports as their bytes), which dumpdata/loaddata would not keep.
"""

from __future__ import annotations

import os
import subprocess

import psycopg
import pytest
from django.db import connection

from assessments.models import Category, PillarResult, Recommendation, Result
from assessments.tests import factories
from assessments.tests.factories import BrandFactory
from tests.processes import ROOT

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRATCH = "readiness_restore_check"
COMPARED = [Result, PillarResult, Recommendation, Category]


def url_of(database: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{database}"


def fingerprint(database: str) -> dict[str, list[tuple]]:
    """Every compared row as PostgreSQL prints it, by table, in primary key order."""
    with psycopg.connect(url_of(database), autocommit=True) as db:
        return {
            model._meta.db_table: db.execute(
                f'SELECT id, md5(t::text) FROM "{model._meta.db_table}" t ORDER BY id'
            ).fetchall()
            for model in COMPARED
        }


@pytest.fixture
def scratch_database(postgres_url):
    with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{SCRATCH}"')
    yield SCRATCH
    with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')


def run(script: str, file, database: str) -> None:
    env = {**os.environ, "DATABASE_URL": url_of(database)}
    done = subprocess.run(
        [str(ROOT / "bin" / script), str(file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_restored_dump_holds_every_report_byte_for_byte(
    scratch_database, tmp_path, django_capture_on_commit_callbacks
):
    beauty = Category.objects.get(slug="beauty")
    for maturity in (0.2, 0.5, 0.9):
        factories.scored_assessment(
            brand=BrandFactory(),
            category=beauty,
            maturity=maturity,
            capture=django_capture_on_commit_callbacks,
        )
    live = connection.settings_dict["NAME"]
    dump = tmp_path / "backups" / "readiness.dump"

    run("db-backup", dump, live)
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    run("db-restore", dump, scratch_database)

    before, after = fingerprint(live), fingerprint(scratch_database)
    assert len(before["assessments_result"]) == 3
    assert all(before[table] for table in before)
    assert after == before


def test_restore_refuses_a_missing_dump_and_changes_nothing(scratch_database, tmp_path):
    env = {**os.environ, "DATABASE_URL": url_of(scratch_database)}
    done = subprocess.run(
        [str(ROOT / "bin" / "db-restore"), str(tmp_path / "nope.dump")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "missing or empty" in done.stderr
