"""A real worker re-checks access at every webhook attempt, against a real HTTP receiver.

The receiver (on loopback) fails each endpoint's first attempt; while the first attempt of the
revoked endpoint is in flight its owner loses access. The retry must not be sent to them, while
the endpoint whose owner kept access gets its retry: the retries do run within the test.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.models import WebhookDelivery, WebhookEndpoint
from assessments import services
from assessments.demo import answers_at
from assessments.edition_specs import edition_spec
from assessments.models import Category, Edition, Membership
from assessments.tests.factories import BrandFactory, consultant_for
from readiness.celery import app as celery_app
from tests.processes import start_worker, stop, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Receiver:
    """Counts requests per path; answers 500 to each path's first, 204 afterwards.

    The first request to /revoked is held until the test has withdrawn its owner's access, so the
    retry is certain to come after the withdrawal, however fast the worker is.
    """

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.revoked_seen = threading.Event()
        self.access_withdrawn = threading.Event()
        self.lock = threading.Lock()

    def answer(self, path: str) -> int:
        with self.lock:
            self.hits[path] += 1
            first = self.hits[path] == 1
        if first and path == "/revoked":
            self.revoked_seen.set()
            self.access_withdrawn.wait(timeout=8)
        return 500 if first else 204


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(state.answer(self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker(redis_url, postgres_url, tmp_path):
    celery_app.conf.task_always_eager = False
    env = {"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true", "WEBHOOK_RETRY_DELAY": "1"}
    process = start_worker(redis_url, log=tmp_path / "worker.log", env=env)
    yield process
    stop(process)
    print((tmp_path / "worker.log").read_text(errors="replace")[-3000:])


def unassign(user, brand) -> None:
    Membership.objects.filter(user=user, brand=brand).delete()


def deactivate(user, brand) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.mark.parametrize("withdraw", [unassign, deactivate], ids=["unassigned", "deactivated"])
def test_a_retry_is_not_sent_once_the_owner_lost_access_to_the_brand(
    worker, receiver, withdraw: Callable
):
    state, base = receiver
    brand = BrandFactory()
    kept_owner, revoked_owner = consultant_for(brand), consultant_for(brand)
    kept = WebhookEndpoint.objects.create(owner=kept_owner, url=f"{base}/kept")
    revoked = WebhookEndpoint.objects.create(owner=revoked_owner, url=f"{base}/revoked")
    services.assessment_create(
        brand=brand,
        category=Category.objects.get(slug="personal-care"),
        user=kept_owner,
        answers=answers_at(edition_spec(Edition.objects.current().pk), 0.5),
        submit=True,
    )

    assert state.revoked_seen.wait(timeout=60), "the first attempt never reached the receiver"
    withdraw(revoked_owner, brand)
    state.access_withdrawn.set()

    def settled() -> bool:
        statuses = dict(WebhookDelivery.objects.values_list("endpoint_id", "status"))
        return statuses.get(kept.pk) == "succeeded" and statuses.get(revoked.pk) == "cancelled"

    assert wait_for(settled, timeout=60), list(WebhookDelivery.objects.values())
    assert state.hits == {"/kept": 2, "/revoked": 1}
    cancelled = WebhookDelivery.objects.get(endpoint=revoked)
    assert cancelled.response_status is None and "Cancelled" in cancelled.last_error
