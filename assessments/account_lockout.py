"""A ceiling on failed logins per account, from any address, on top of django-axes.

django-axes locks a username at one address (AXES_FAILURE_LIMIT); a guesser who spreads attempts
over many addresses never reaches it. This counts every failure for a username, wherever it came
from, in the shared cache; ACCOUNT_FAILURE_LIMIT of them within ACCOUNT_FAILURE_WINDOW_MINUTES
lock the account for ACCOUNT_LOCKOUT_MINUTES and mail its owner once. Unknown usernames are
counted and locked alike, so the answer never tells which accounts exist.

Best-effort like every Redis call on a request path (readiness/best_effort.py): with Redis
unreachable no failure is counted and no account reads as locked, so logins go on working; axes'
per-address lock, kept in the database, still holds meanwhile.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from assessments import mail
from readiness import best_effort


def _key(kind: str, username: str) -> str:
    # Hashed: a username can hold characters a cache key may not.
    return f"account-lockout:{kind}:{hashlib.sha256(username.encode()).hexdigest()}"


def locked_until(username: str) -> datetime | None:
    until = best_effort.call(cache.get, _key("until", username), default=None, what="lockout read")
    return until if until and until > timezone.now() else None


def _count_failure(key: str) -> int:
    cache.add(key, 0, timeout=settings.ACCOUNT_FAILURE_WINDOW_MINUTES * 60)  # window starts here
    return cache.incr(key)


def _lock(username: str, until: datetime) -> bool:
    cache.set(_key("until", username), until, timeout=settings.ACCOUNT_LOCKOUT_MINUTES * 60)
    cache.delete(_key("failures", username))
    return True


def failure_record(username: str) -> None:
    """Count one failure; at the ceiling, lock the account and tell its owner."""
    key = _key("failures", username)
    failures = best_effort.call(_count_failure, key, default=0, what="lockout count")
    if failures < settings.ACCOUNT_FAILURE_LIMIT or locked_until(username):
        return
    until = timezone.now() + timedelta(minutes=settings.ACCOUNT_LOCKOUT_MINUTES)
    if not best_effort.call(_lock, username, until, default=False, what="account lock"):
        return  # not locked: no mail that says it is
    # Queued for every username, known or not: a mail sent from the request would make a
    # lockout of a real account take longer than one of an unknown name, and fail with the relay.
    mail.queue(
        "assessments.tasks.send_lockout_mail_task",
        username,
        failures,
        until.isoformat(),
        send=lambda: lockout_mail_send(username=username, failures=failures, until=until),
        what="A lockout notice",
    )


def lockout_mail_send(*, username: str, failures: int, until: datetime) -> None:
    """Tell the account's owner it is locked, and until when; nobody for an unknown name."""
    owner = get_user_model().objects.filter(username=username, is_active=True).first()
    if owner is not None and owner.email:
        mail.send_to_user(
            owner,
            "account_locked",
            {"failures": failures, "minutes": settings.ACCOUNT_LOCKOUT_MINUTES, "until": until},
        )


def on_login_failed(
    sender, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    username = credentials.get("username")
    if username:
        failure_record(str(username))


def connect() -> None:
    user_login_failed.connect(on_login_failed, dispatch_uid="account-lockout")


class AccountCeilingBackend:
    """First in AUTHENTICATION_BACKENDS: refuses every login, even a right one, while locked.

    It flags the request as axes does, so that AxesMiddleware answers with the same lockout
    response (api/lockout.py), which reads `account_locked_until` to say for how long.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None, **kwargs):
        until = locked_until(username) if username else None
        if until is None:
            return None
        if request is not None:
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.account_locked_until = until  # type: ignore[attr-defined]
        # No get_user(): this backend never logs anyone in, so sessions never name it.
        raise PermissionDenied("This account is locked after too many failed logins.")
