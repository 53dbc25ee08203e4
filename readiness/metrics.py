"""Metrics for operators, in Prometheus' text format, behind a bearer token (METRICS_TOKEN).

Request rates and latencies come from django-prometheus' middleware. The figures of the work
itself are read from PostgreSQL when Prometheus scrapes, so that they are the same whichever
web process answers: the scoring queue's depth and the age of its oldest submission, how long
scoring took lately, the outbox's backlog, webhook deliveries by outcome. Redis failures are
counted per process (readiness_redis_failures_total, from readiness/best_effort.py).
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, F, Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# How far back "scoring lately" looks: a few scrape intervals.
RECENT = timedelta(minutes=15)


class WorkCollector(Collector):
    """Gauges computed from the database at each scrape (five small aggregate queries)."""

    def describe(self):
        # Without it, registering would call collect(): queries at import, before any migration.
        return []

    def collect(self):
        from api.models import WebhookDelivery
        from assessments.models import Assessment, OutboxMessage
        from assessments.services import WAITING

        now = timezone.now()
        waiting = Assessment.objects.filter(status__in=WAITING).aggregate(
            n=Count("pk"), oldest=Min("submitted_at")
        )
        yield _gauge(
            "readiness_scoring_queue_depth", "Assessments waiting to be scored", waiting["n"]
        )
        yield _gauge(
            "readiness_scoring_oldest_waiting_seconds",
            "Age of the oldest assessment waiting to be scored",
            _age(now, waiting["oldest"]),
        )
        lately = Assessment.objects.filter(scored_at__gte=now - RECENT).aggregate(
            mean=Avg(F("scored_at") - F("submitted_at")),
            worst=Max(F("scored_at") - F("submitted_at")),
        )
        for name, key in (("mean", "mean"), ("max", "worst")):
            yield _gauge(
                f"readiness_scoring_duration_{name}_seconds",
                f"Submit to scored over the last {RECENT.seconds // 60} minutes ({name})",
                lately[key].total_seconds() if lately[key] else 0,
            )
        outbox = OutboxMessage.objects.aggregate(n=Count("pk"), oldest=Min("created_at"))
        yield _gauge("readiness_outbox_backlog", "Outbox rows not done yet", outbox["n"])
        yield _gauge(
            "readiness_outbox_oldest_seconds",
            "Age of the oldest outbox row",
            _age(now, outbox["oldest"]),
        )
        outcomes = GaugeMetricFamily(
            "readiness_webhook_deliveries", "Webhook deliveries by status", labels=["status"]
        )
        counts = dict(WebhookDelivery.objects.values_list("status").annotate(n=Count("pk")))
        for status in WebhookDelivery.Status.values:
            outcomes.add_metric([status], counts.get(status, 0))
        yield outcomes


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _age(now, since) -> float:
    return (now - since).total_seconds() if since else 0.0


REGISTRY.register(WorkCollector())


def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics, for a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404("Metrics are off: set METRICS_TOKEN to turn them on.")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), token.encode()):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
