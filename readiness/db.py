"""PostgreSQL with prepared statements: each query planned once per connection, not per request.

Django's default (client-side binding) sends every query as new text with its values inlined,
so PostgreSQL plans it again each time: for a built report that was most of its database time
(a 3 ms plan for a 0.3 ms query, bench/notes/reads.md). With server-side binding the values
travel apart from the text, the text of a query repeats, and psycopg prepares a statement once
it has run PREPARE_THRESHOLD times on a connection.

Server-side binding has one limit client-side binding lacks: the protocol counts a statement's
parameters in 16 bits, and Django does not split a large `__in` list or batch on PostgreSQL
(its `max_query_params` is unset there). Such a statement is bound on the client instead.

A connection pooler in transaction mode (PgBouncer before 1.21) breaks prepared statements:
DB_PREPARED_STATEMENTS=false turns all of this off.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.postgresql.base import ServerBindingCursor

# The Bind message of PostgreSQL's protocol counts its parameters in an unsigned 16-bit integer.
MAX_BOUND_PARAMETERS = 65_535


# psycopg.Cursor named again for type checkers: Django's stubs do not give its base.
class PreparingCursor(ServerBindingCursor, psycopg.Cursor):
    """Server-side binding, falling back to client-side binding past the protocol's limit."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if params is not None and len(params) > MAX_BOUND_PARAMETERS:
            # The values merged into the text as the default binding would (one plan, unshared).
            query = psycopg.ClientCursor(self.connection).mogrify(query, params)
            params = None
            kwargs["prepare"] = False
        return super().execute(query, params, **kwargs)


def prepared_options(threshold: int) -> dict[str, Any]:
    """The DATABASES OPTIONS that turn prepared statements on (see the module's docstring)."""
    return {
        "server_side_binding": True,
        "cursor_factory": PreparingCursor,
        "prepare_threshold": threshold,
    }
