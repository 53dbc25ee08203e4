"""Token authentication by digest, with the lookup read from the shared cache when it can be.

Every API request authenticates: the digest of the token sent is looked up with its user in one
indexed query (api/tokens.py), and the pair is cached under the generation of
assessments/generations.py, used only while that generation is current. Saving or deleting a
token or a user bumps it (a deactivated user, a revoked token, a change of staff status), as does
every other write, so a revoked token is refused on the very next request, exactly as with a
query. Expiry is checked on every request, a cached lookup's too. Unknown tokens are never
cached: each one costs a query and is refused the same way, as are an expired token and a
deactivated user's (one message: a caller must not learn which). With Redis unreachable every
lookup is a query (readiness/best_effort.py).
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from api import tokens
from api.exceptions import INVALID_TOKEN
from api.models import ApiToken
from assessments import generations
from readiness import best_effort

# A safety net only: freshness comes from the generation, not from expiry.
TTL_SECONDS = 600


class CachedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <value>` (DRF's header parsing), looked up by digest."""

    model = ApiToken

    def authenticate_credentials(self, key: str):
        digest = tokens.digest(key)
        cache_key = tokens.cache_key(digest)
        generation, entry = generations.current_with(cache_key)
        if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
            user, token = entry[1], entry[2]
            keep = False
        else:
            token = ApiToken.objects.select_related("user").filter(digest=digest).first()
            if token is None or not token.user.is_active:
                raise AuthenticationFailed(INVALID_TOKEN)
            user, keep = token.user, True
        now = timezone.now()
        if token.has_expired(now):
            raise AuthenticationFailed(INVALID_TOKEN)
        # The cached copy carries when the use was last written, so that it is written at most
        # once a minute whether the lookup came from the cache or not.
        keep = tokens.mark_used(token, now) or keep
        if keep and generation is not None:
            value = (generation, user, token)
            best_effort.call(cache.set, cache_key, value, TTL_SECONDS, default=None, what="token")
        return user, token
