"""Item 8: the portfolio page: queries for few or many brands, throughput beside the bare view."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.accounts import Role, user_create
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Brand, Category, Edition, Membership
from bench.core import Context, Figure, Section
from bench.fixtures import BRANDS, api_data, tasks_in_process
from bench.server import gunicorn, shown, wrk, wrk_command
from bench.urls import BARE_PATH

COMMAND = 'make bench ARGS="--only portfolio"'
PAGE = "/portfolio/"
FEW_USER, MANY_USER = "bench-consultant", "bench-portfolio"
# A consultant with a large book: five times the six brands of items 1 and 2.
MANY_BRANDS = 30
ROUNDS = 3


def measure(ctx: Context) -> Section:
    api_data()  # the six brands of items 1 and 2, served by bench-consultant
    _many_brands()
    few, many = _client(FEW_USER), _client(MANY_USER)
    _count(few), _count(many)  # warm: the edition's spec, read once per process
    counts = {"few": [_count(few) for _ in range(ctx.runs)]}
    counts["many"] = [_count(many) for _ in range(ctx.runs)]
    seconds, rounds = (1, 1) if ctx.smoke else (2, ROUNDS)
    cookie = (f"Cookie: sessionid={many.cookies['sessionid'].value}",)
    page, bare, ratios = [], [], []
    with tempfile.TemporaryDirectory() as tmp, gunicorn(Path(tmp) / "gunicorn.log") as base:
        wrk(base + PAGE, 1, None, cookie)  # warm-up
        for _ in range(ctx.runs):
            run = [
                (
                    wrk(base + f"/{BARE_PATH}", seconds, None),
                    wrk(base + PAGE, seconds, None, cookie),
                )
                for _ in range(rounds)
            ]
            bare.append(statistics.median(b.requests_per_second for b, _ in run))
            page.append(statistics.median(p.requests_per_second for _, p in run))
            ratios.append(
                statistics.median(p.requests_per_second / b.requests_per_second for b, p in run)
            )
    wrk_shown = shown(wrk_command(f"http://127.0.0.1:0{PAGE}", seconds, None, cookie))
    return Section(
        title="8. The portfolio page",
        figures=[
            Figure(f"portfolio, {len(BRANDS)} brands", "queries", counts["few"], COMMAND),
            Figure(
                f"portfolio, {MANY_BRANDS + len(BRANDS)} brands", "queries", counts["many"], COMMAND
            ),
            Figure(
                "portfolio: many brands minus few (constant: 0)",
                "queries",
                [m - f for f, m in zip(counts["few"], counts["many"], strict=True)],
                COMMAND,
                target=0,
                at_least=False,
            ),
            Figure("bare view: throughput", "requests/s", bare, COMMAND),
            Figure(
                f"portfolio, {MANY_BRANDS + len(BRANDS)} brands: throughput",
                "requests/s",
                page,
                wrk_shown,
            ),
            Figure("portfolio / bare view (throughput)", "ratio", ratios, COMMAND),
        ],
        notes=[
            f"{MANY_USER} serves the six brands of items 1 and 2 and {MANY_BRANDS} more, each "
            "with a scored assessment; every brand of the first six has several. Counted with "
            "CaptureQueriesContext around Django's test client, signed in (session and user "
            "are two of the queries).",
            f"Throughput: gunicorn as in item 1, signed in with a session cookie ($SESSION); "
            f"each run alternates the bare view and the page for {seconds} s, {rounds} times, "
            "and takes the medians; the ratio is taken within each pair, as in item 1.",
        ],
    )


def _many_brands() -> None:
    user, _ = user_create(username=MANY_USER, role=Role.CONSULTANT, brand_slugs=BRANDS)
    extra = [f"bench-portfolio-{n}" for n in range(1, MANY_BRANDS + 1)]
    if Brand.objects.filter(slug__in=extra).count() == MANY_BRANDS:
        return
    spec = edition_spec(Edition.objects.current().pk)
    categories = list(Category.objects.order_by("slug"))
    with tasks_in_process(), transaction.atomic():
        for n, slug in enumerate(extra):
            brand, _ = Brand.objects.get_or_create(slug=slug, defaults={"name": slug})
            Membership.objects.get_or_create(
                user=user, brand=brand, defaults={"role": "consultant"}
            )
            services.assessment_create(
                brand=brand,
                category=categories[n % len(categories)],
                user=user,
                answers=answers_at(spec, (n % 10) / 10),
                submit=True,
            )


def _client(username: str) -> Client:
    from django.contrib.auth import get_user_model

    # The test client's host is "testserver", which production ALLOWED_HOSTS refuses.
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _count(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE)
    assert response.status_code == 200, response.status_code
    return len(ctx)
