"""Start real processes for end-to-end tests: a Celery worker, gunicorn, a Redis, a TCP proxy."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from kombu import pools as kombu_pools

ROOT = Path(__file__).resolve().parent.parent


def session_database_url() -> str:
    """The URL of the database this test session uses (pytest-django's test database)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    port = s.get("PORT") or 5432
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{port}/{s['NAME']}"


def worker_node() -> str:
    """The node name start_worker gives its worker, for remote control (celery inspect/control)."""
    return f"e2e-{os.getpid()}@{socket.gethostname()}"


def start_worker(
    redis_url: str,
    *extra: str,
    log: Path | None = None,
    app: str = "readiness",
    env: dict[str, str] | None = None,
    database_url: str | None = None,
) -> subprocess.Popen[bytes]:
    """A worker in its own process group (so a test can kill it and its pool at once)."""
    env = (
        os.environ
        | (env or {})
        | {
            "DATABASE_URL": database_url or session_database_url(),
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "readiness.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "e2e-worker-secret-key-0123456789"),
            "DEBUG": "false",
        }
    )
    command = [
        sys.executable, "-m", "celery", "-A", app, "worker",
        "--loglevel=INFO", "--concurrency=1", "--without-mingle", "--without-gossip",
        "-n", worker_node(), *extra,
    ]  # fmt: skip
    output = open(log, "wb") if log else subprocess.DEVNULL
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )


def pool_children(process: subprocess.Popen[bytes]) -> list[int]:
    """The pids of a worker's pool processes (the ones that run tasks)."""
    path = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker and its pool at once: nothing gets to clean up or acknowledge."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def producing_to(broker_url: str) -> Iterator[None]:
    """Send this test process's tasks to another broker (a Redis the test starts and stops)."""
    from readiness.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = broker_url, False
    _drop_connections(app)
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _drop_connections(app)


def _drop_connections(app) -> None:
    # Celery caches a connection pool and a producer pool per app, and kombu a producer pool per
    # broker URL; all are dropped so the next task opens a connection to the new broker_url.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu_pools.reset()


@contextmanager
def redis_server(port: int, workdir: Path) -> Iterator[RedisServer]:
    server = RedisServer(port, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class RedisServer:
    """A throwaway redis-server on a spare loopback port, that a test may stop and start."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir = port, workdir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        if not wait_for(self._answers, timeout=10):
            raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_beat(
    redis_url: str, schedule: str, *, log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Celery beat in a process of its own, as docker-compose runs it (not a worker's -B)."""
    env = (
        os.environ
        | (env or {})
        | {
            "DATABASE_URL": session_database_url(),
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "readiness.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "e2e-worker-secret-key-0123456789"),
            "DEBUG": "false",
        }
    )
    command = [sys.executable, "-m", "celery", "-A", "readiness", "beat", "--loglevel=INFO",
               "--schedule", schedule]  # fmt: skip
    output = open(log, "wb")
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(condition: Callable[[], bool], *, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def start_gunicorn(
    redis_url: str, *, database_url: str | None = None, log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """The web service as production runs it (DEBUG off, two gthread workers) on a spare port."""
    port = spare_port()
    env = os.environ | {
        "DATABASE_URL": database_url or session_database_url(),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "readiness.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "e2e-worker-secret-key-0123456789"),
        "DEBUG": "false",
        # Plain HTTP on loopback, no collectstatic: no TLS proxy or build step here.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "API_USER_THROTTLE_RATE": "1000000/hour",
    }
    command = [
        sys.executable, "-m", "gunicorn", "readiness.wsgi:application", "--bind",
        f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "gthread", "--threads", "2",
    ]  # fmt: skip
    output = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    if not wait_for(lambda: _answers(f"{base}/health/live"), timeout=30):
        stop(process)
        raise RuntimeError("gunicorn did not start")
    return process, base


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class TcpProxy:
    """A loopback TCP forwarder to a port, that a test can cut: the database "goes away".

    drop() closes every open connection (a dropped connection mid-query); down() also refuses
    new ones (closed at once, as from a server that is not there) until up().
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refusing = False
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url_for(self, url: str) -> str:
        return url.replace(f":{self.target_port}/", f":{self.port}/")

    def drop(self) -> None:
        with self.lock:
            for sock in self.sockets:
                _close(sock)
            self.sockets.clear()

    def down(self) -> None:
        self.refusing = True
        self.drop()

    def up(self) -> None:
        self.refusing = False

    def close(self) -> None:
        self.down()
        _close(self.listener)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                _close(client)
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _close(source)
    _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
