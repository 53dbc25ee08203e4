"""Token authentication that reads a known token from the shared cache instead of PostgreSQL.

Every API request authenticates, so DRF's TokenAuthentication costs each one a query (token
joined to user). Here the token's row and its user are cached under the generation of
assessments/generations.py, and a cached pair is used only while that generation is current.
Saving or deleting a token or a user bumps it (a deactivated user, a revoked token, a change of
staff status), as does every other write, so a revoked token is refused on the very next
request, exactly as with a query. Unknown tokens are never cached: each one costs a query, as
before, and is refused the same way. With Redis unreachable every lookup is a query, as with
DRF's own TokenAuthentication (readiness/best_effort.py).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from api.exceptions import INVALID_TOKEN
from assessments import generations
from readiness import best_effort

# A safety net only: freshness comes from the generation, not from expiry.
TTL_SECONDS = 600


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str):
        # A digest, not the token itself, names the entry: keys show up in cache tooling.
        cache_key = f"api:token:{hashlib.sha256(key.encode()).hexdigest()}"
        generation, entry = generations.current_with(cache_key)
        if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
            return entry[1], entry[2]
        try:
            user, token = super().authenticate_credentials(key)
        except AuthenticationFailed:
            # DRF words an inactive user's token apart from an unknown one; a caller must not
            # learn which accounts were deactivated.
            raise AuthenticationFailed(INVALID_TOKEN) from None
        if generation is not None:
            value = (generation, user, token)
            best_effort.call(cache.set, cache_key, value, TTL_SECONDS, default=None, what="token")
        return user, token
