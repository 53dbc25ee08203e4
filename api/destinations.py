"""Where webhooks may go: addresses on the public internet only, unless settings allow others.

A webhook URL is chosen by an API user and requested by our servers. Pointed at 127.0.0.1, the
cloud metadata address or a service on the private network, it would turn the service into a
proxy into that network, and the delivery log, which keeps an excerpt of each error response,
would show its owner what answered. The host is checked when the URL is registered and again
before every attempt, since what a name resolves to can change in between.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext


def refusal(url: str) -> str | None:
    """Why webhooks may not be sent to this URL, or None when they may.

    A name that does not resolve (yet) is not refused here: sending to it fails as a network
    error does, and is retried.
    """
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError, ValueError):
        return None
    blocked = sorted(a for a in addresses if not _is_public(a))
    if not blocked:
        return None
    return gettext(
        "%(host)s is not a public internet address (%(addresses)s): webhooks are only sent "
        "to the internet."
    ) % {"host": host, "addresses": ", ".join(blocked)}


def resolve(host: str, port: int) -> set[str]:
    """The addresses a connection to host would use (a function of its own so tests can set it)."""
    return {str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("%eth0") is not part
    if ip.version == 6 and ip.ipv4_mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
