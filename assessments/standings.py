"""Each category's standing: the sorted readiness indexes a report's percentile is read from.

A percentile ranks an assessment's index among the other brands' scored assessments of its
category. Counting those on every report read every peer: at 100,000 assessments, about 17,000
rows per category and 60 to 80 ms of a built report's time (bench/notes/reads.md). PostgreSQL
keeps instead, per category, the sorted indexes of its scored assessments and the count of its
brands (assessments_category_standing, migration 0022). A percentile is then two binary
searches of that array (width_bucket), less the brand's own few assessments, whatever the size
of the category.

Fresh by construction, in the database: statement triggers on the assessment table log every
statement that changes a category's scored assessments (scored, rescored, moved or deleted; by
the ORM, raw SQL or COPY) as a change row of that category. Writers only insert change rows, so
they never wait on one another. The percentile's one query (a PL/pgSQL function) reads the
standing only while no change row of its category is left; otherwise it rebuilds it first, in
one statement that deletes the change rows its own snapshot sees and reads the peers from that
same snapshot: a change committed meanwhile stays logged, and the next read rebuilds again. An
advisory lock per category makes concurrent rebuilds take turns; the later finds nothing to do.

SQLite (the embedded default) has no such table: there, peer_counts() counts the peers directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q

from assessments.models import Assessment


@dataclass(frozen=True)
class PeerCounts:
    """The other brands' scored assessments of a category, against one readiness index."""

    brands: int
    total: int
    below: int
    equal: int


def peer_counts(*, category_id: int, brand_id: int, index: float) -> PeerCounts:
    """The peers of a brand's assessment of `index`, in one query however fresh the standing.

    The query (assessments_peer_counts, migration 0022) rebuilds a stale standing first.
    """
    if connection.vendor != "postgresql":
        return _counted(category_id, brand_id, index)
    # Indexes below `index` are those at most the float just below it: exact, not rounded.
    just_below = math.nextafter(index, -math.inf)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM assessments_peer_counts(%s::bigint, %s::bigint, %s, %s)",
            [category_id, brand_id, index, just_below],
        )
        brands, total, below, equal = cursor.fetchone()
    return PeerCounts(brands=brands, total=total, below=below, equal=equal)


def _counted(category_id: int, brand_id: int, index: float) -> PeerCounts:
    peers = Assessment.objects.filter(
        category_id=category_id,
        status=Assessment.Status.SCORED,
        result__readiness_index__isnull=False,
    ).exclude(brand_id=brand_id)
    counts = peers.aggregate(
        brands=Count("brand", distinct=True),
        total=Count("pk"),
        below=Count("pk", filter=Q(result__readiness_index__lt=index)),
        equal=Count("pk", filter=Q(result__readiness_index=index)),
    )
    return PeerCounts(**counts)
