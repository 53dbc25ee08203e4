"""The unfiltered assessment list of a reader, and the brands it shows, from SQL compiled once.

A list with no filter asked for (newest first: what a consultant opens every day) ran three
queries built and compiled anew on every request: the reader's brands (the answer cache's
scopes), the capped count and the page's rows. Building and compiling them was about 1.4 ms of
a 6 ms built page (bench/notes/reads.md). Here each is compiled once per thread and role
(readiness/compiled.py) from the same querysets the view uses, and the page is a window of the
ordered rows. A filtered or reordered list builds its FilterSet and queries as before. The
reader's brands are read once per global generation, not on every built page (brand_ids).
"""

from __future__ import annotations

from django.db.models import QuerySet

from api.filters import AssessmentFilter
from api.readers import SLOTS, role_of, stand_in
from api.shapes import LIST_VALUES
from assessments.generations import Remembered
from assessments.models import Assessment, Brand
from readiness.compiled import CompiledRead


def _rows(role: str, **slots: int) -> QuerySet:
    visible = Assessment.objects.visible_to(stand_in(**slots))
    return AssessmentFilter.ordered(visible).values(*LIST_VALUES)


def _counted(role: str, **slots: int) -> QuerySet:
    return Assessment.objects.visible_to(stand_in(**slots)).order_by().values("pk")


def _brands(role: str, **slots: int) -> QuerySet:
    return Brand.objects.visible_to(stand_in(**slots)).order_by().values("pk")


# Per role: a member's queries bind their id; an admin's read every row and bind nothing.
_READS = {
    role: {
        name: CompiledRead(build, *slots)
        for name, build in (("rows", _rows), ("counted", _counted), ("brands", _brands))
    }
    for role, slots in SLOTS.items()
}


# Per process: each reader's brand ids, under the global generation they were read under.
_brands_read: Remembered[tuple, tuple[int, ...]] = Remembered(limit=20_000)


def brand_ids(user, generation: int | None = None) -> tuple[int, ...]:
    """The ids of the brands `user` may read (Brand.objects.visible_to).

    `generation`: the global one, read before this call. The brands are then read once per
    reader and generation, not on every built page: which brands a user reads changes only with
    a membership, a brand or the user, and every write of those bumps it (Remembered).
    """
    role, slots = role_of(user)
    reader = (role, *sorted(slots.items()))
    return _brands_read.get(
        reader,
        generation,
        lambda: tuple(row["pk"] for row in _READS[role]["brands"].read(role, **slots)),
    )


class Listing:
    """What CappedCountPaginator reads of a queryset, for `user`'s unfiltered list: a capped
    count (`listing[:n].count()`) and a page (`Listing.rows_of(listing[start:stop])`)."""

    ordered = True  # newest first, ties broken by id (AssessmentFilter.ordered)

    def __init__(self, user) -> None:
        self.role, self.slots = role_of(user)

    def __getitem__(self, window: slice) -> _Window:
        return _Window(self, window.start or 0, window.stop)

    @staticmethod
    def rows_of(window: _Window) -> list[dict]:
        """The window's rows, as api.shapes.list_rows() reads them."""
        return window.rows()


class _Window:
    def __init__(self, listing: Listing, start: int, stop: int) -> None:
        self.listing, self.start, self.stop = listing, start, stop

    def count(self) -> int:
        reads = _READS[self.listing.role]["counted"]
        return max(
            0, reads.count(self.listing.role, cap=self.stop, **self.listing.slots) - self.start
        )

    def rows(self) -> list[dict]:
        reads = _READS[self.listing.role]["rows"]
        window = (self.start, self.stop - self.start)
        return reads.read(self.listing.role, window=window, **self.listing.slots)
