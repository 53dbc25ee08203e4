"""Clients for the fault tests: brand managers submitting through the API and the web, in threads,
and a webhook receiver. Each request's status and time are tallied, to print and assert on."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

# Long enough never to cut a request short: a slow answer is measured, not dropped.
CLIENT_TIMEOUT = 30
PAUSE = 0.2  # between two requests of one client


@dataclass
class Tally:
    """What the clients saw: accepted submissions, every answer's status, the slowest answer."""

    submitted: list[int] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[tuple[str, int]] = field(default_factory=list)
    # (when it started, seconds it took) of every request, on time.monotonic()'s clock
    timings: list[tuple[float, float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, what: str, response: requests.Response | None, started: float) -> None:
        status = response.status_code if response is not None else 0  # 0: no answer at all
        with self.lock:
            self.statuses[status] += 1
            self.timings.append((started, time.monotonic() - started, what))
            if status >= 500 or status == 0:
                self.server_errors.append((what, status))

    def slowest(self, since: float = 0.0) -> float:
        """The longest answer among the requests started since (a fault's start)."""
        return max((took for started, took, _ in self.timings if started >= since), default=0.0)

    def accepted(self, assessment_id: int) -> None:
        with self.lock:
            self.submitted.append(assessment_id)


class Client(threading.Thread):
    def __init__(self, base: str, tally: Tally, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.tally, self.stop = base, tally, stop
        self.session = requests.Session()

    def call(self, what: str, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = self.session.request(
                method, self.base + path, timeout=CLIENT_TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException:
            response = None
        self.tally.record(what, response, started)
        return response

    def run(self) -> None:
        while not self.stop.is_set() and self.step():
            time.sleep(PAUSE)

    def step(self) -> bool:
        raise NotImplementedError


class ApiClient(Client):
    """Creates and submits in one POST, then reads the list: a consultant's integration."""

    def __init__(self, base, tally, stop, *, token: str, body: dict) -> None:
        super().__init__(base, tally, stop)
        self.session.headers["Authorization"] = f"Token {token}"
        self.body = body

    def step(self) -> bool:
        created = self.call("api submit", "POST", "/api/v1/assessments/", json=self.body)
        if created is not None and created.status_code == 201:
            self.tally.accepted(created.json()["id"])
        self.call("api list", "GET", "/api/v1/assessments/")
        return True


class WebClient(Client):
    """A brand manager in a browser: logs in, submits each of its complete drafts, reads pages."""

    def __init__(self, base, tally, stop, *, username: str, password: str, drafts: list[int]):
        super().__init__(base, tally, stop)
        self.credentials = {"username": username, "password": password}
        self.drafts = list(drafts)

    def login(self) -> None:
        self.session.get(self.base + "/login/", timeout=CLIENT_TIMEOUT)
        answer = self.session.post(
            self.base + "/login/",
            data={**self.credentials, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
            timeout=CLIENT_TIMEOUT,
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.status_code

    def step(self) -> bool:
        if not self.drafts:
            return False
        pk = self.drafts.pop()
        token = {"csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        sent = self.call("web submit", "POST", f"/assessments/{pk}/submit/", data=token)
        if sent is not None and sent.status_code == 302 and "/status/" in sent.headers["Location"]:
            self.tally.accepted(pk)
        self.call("web page", "GET", "/")
        return True


@dataclass
class Received:
    deliveries: list[str] = field(default_factory=list)  # X-Readiness-Delivery of each POST


@contextmanager
def webhook_receiver() -> Iterator[tuple[str, Received]]:
    """An HTTP receiver on a spare loopback port that answers 204 and notes every delivery."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            received.deliveries.append(self.headers["X-Readiness-Delivery"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()


def ready(base: str) -> tuple[int, dict]:
    """/health/ready's status and checks."""
    try:
        response = requests.get(base + "/health/ready", timeout=CLIENT_TIMEOUT)
    except requests.RequestException:
        return 0, {}
    return response.status_code, json.loads(response.content or b"{}").get("checks", {})


def figures(name: str, **values: object) -> str:
    """One line of a run's figures, as the README quotes them."""
    shown = ", ".join(f"{re.sub('_', ' ', key)} {value}" for key, value in values.items())
    return f"[{name}] {shown}"
