"""How we talk to PostgreSQL: prepared statements, and timestamps read by psycopg's C loader.

Prepared statements: each query is planned once per connection, not per request.

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

import datetime as dt
from typing import Any

import psycopg
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

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


# --- timestamps read by psycopg's C loader -------------------------------------------------------

# Django reads every timestamptz through its own loader (psycopg_any.BaseTzLoader), a subclass
# of psycopg's Python one: about 3.7 µs a value against 0.2 µs for the C loader psycopg-binary
# registers, 0.7 ms of a 50-row API list page's 6 ms (bench/notes/reads.md). Django's loader
# parses in the session's time zone and then labels the value UTC, which is right only because
# Django sets the session to UTC; on such a session the C loader gives the same value with the
# same tzinfo, and it takes over. On any other session Django's own loader reads as before.
TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid
_C_TIMESTAMPTZ_LOADER = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, psycopg.pq.Format.TEXT)


class UtcTimestamptzLoader(BaseTzLoader):
    """Django's timestamptz loader for a UTC session, whose `load` is psycopg's C loader's."""

    timezone = dt.UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        connection = getattr(context, "connection", None)
        session_zone = connection.info.timezone if connection is not None else None
        if _C_TIMESTAMPTZ_LOADER is not None and session_zone is dt.UTC:
            # An instance attribute: psycopg calls it with no Python frame in between.
            self.load = _C_TIMESTAMPTZ_LOADER(oid, context).load


def use_c_timestamps(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: read a UTC session's timestamps with the C loader (see above)."""
    if connection.vendor != "postgresql" or connection.timezone is not dt.UTC:
        return
    connection.connection.adapters.register_loader(TIMESTAMPTZ_OID, UtcTimestamptzLoader)
