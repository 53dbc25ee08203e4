"""One timestamp format everywhere a program reads one: ISO 8601 in UTC with a Z, in the API's
JSON, its CSV export and webhook payloads (assessments.core.formats.timestamp), and absolute
URLs in payloads, under SITE_URL (issue 16)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from api.tests import test_webhooks
from api.tests.test_webhooks import endpoint_for
from assessments.core.formats import timestamp
from assessments.models import Assessment

# Seconds, then an optional fraction, then Z: never +00:00, never another offset.
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
ASSESSMENTS = "/api/v1/assessments/"

pytestmark = pytest.mark.django_db
# The webhook tests' fake receiver: requests.post answering 200, names resolving publicly.
http = test_webhooks.http


def test_the_helper_writes_any_zone_as_utc_with_a_z():
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2026, 12, 1, 19, 18, 36, 500000, tzinfo=shanghai)
    assert timestamp(moment) == "2026-12-01T11:18:36.500000Z"
    assert timestamp(datetime(2026, 12, 1, tzinfo=UTC)) == "2026-12-01T00:00:00Z"
    assert timestamp(None) is None


def test_a_time_without_a_zone_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="time zone"):
        timestamp(datetime(2026, 12, 1, 11, 0))


def _csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_json_and_the_csv_export_write_the_same_timestamps(
    consultant_client, own_brand, make_scored
):
    scored = make_scored(own_brand)
    one = consultant_client.get(f"{ASSESSMENTS}{scored.pk}/").json()
    [row] = _csv_rows(consultant_client.get(ASSESSMENTS + "?format=csv"))
    for name in ("created_at", "submitted_at", "scored_at"):
        assert ISO_UTC.match(one[name]), one[name]
        # The same instant, written the same way, in both outputs.
        assert row[name] == one[name] == timestamp(getattr(scored, name))


def test_the_csv_export_leaves_an_unset_time_empty(consultant_client, own_brand):
    from assessments.tests.factories import AssessmentFactory

    AssessmentFactory(brand=own_brand)
    [row] = _csv_rows(consultant_client.get(ASSESSMENTS + "?format=csv"))
    assert ISO_UTC.match(row["created_at"]) and row["submitted_at"] == row["scored_at"] == ""


def test_the_scored_event_writes_utc_with_a_z_and_an_absolute_report_url(
    own_brand,
    consultant,
    make_scored,
    http,
    settings,
):
    settings.SITE_URL = "https://readiness.example"
    endpoint_for(consultant)
    scored = make_scored(own_brand)
    event = json.loads(http.call_args.kwargs["data"])
    assert ISO_UTC.match(event["created_at"])
    assert event["data"]["submitted_at"] == timestamp(
        Assessment.objects.get(pk=scored.pk).submitted_at
    )
    assert ISO_UTC.match(event["data"]["submitted_at"])
    assert event["data"]["report_url"] == (
        f"https://readiness.example/api/v1/assessments/{scored.pk}/report/"
    )


def test_the_ping_writes_utc_with_a_z(
    consultant_client,
    http,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        body = {"url": "https://hooks.example/r"}
        consultant_client.post("/api/v1/webhooks/", body, format="json")
    ping = json.loads(http.call_args.kwargs["data"])
    assert ping["event"] == "ping" and ISO_UTC.match(ping["created_at"])


def test_the_action_event_writes_utc_with_a_z_and_an_absolute_url(
    clients,
    consultant,
    http,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://readiness.example"
    endpoint_for(consultant)
    client = clients["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/actions/",
            {"brand": "own-brand", "practice_key": "messaging-account"},
            format="json",
        ).json()
    event = json.loads(http.call_args.kwargs["data"])
    assert ISO_UTC.match(event["created_at"]) and ISO_UTC.match(event["data"]["change"]["at"])
    assert event["data"]["url"] == f"https://readiness.example/api/v1/actions/{created['id']}/"
    # The action's own JSON writes the change's time the same way.
    history = client.get(f"/api/v1/actions/{created['id']}/").json()["history"]
    assert event["data"]["change"]["at"] in {change["at"] for change in history}
