from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CappedCountPaginator(Paginator):
    """Counts matching rows only up to API_COUNT_LIMIT, and pages only within them.

    An exact COUNT reads every matching row on every page: at 100,000 assessments it cost more
    than the rest of the request (bench/notes/list-growth.md). Counting stops one row past the
    limit instead, which says whether there are more; pages past the limit are a 404 like any
    page past the end, so a client narrows a larger list with filters or the other ordering.
    """

    limit = settings.API_COUNT_LIMIT
    # Only querysets: their slice counts in the database, as a COUNT over a LIMIT subquery.
    object_list: QuerySet[Any]

    @cached_property
    def matches(self) -> int:
        """The rows counted: at most limit + 1, where limit + 1 means "more than the limit"."""
        return self.object_list[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.matches, self.limit)

    @property
    def capped(self) -> bool:
        return self.matches > self.limit


class BoundedPageNumberPagination(PageNumberPagination):
    """API_PAGE_SIZE rows a page; a client may ask for up to API_MAX_PAGE_SIZE with page_size.

    `count` is exact up to API_COUNT_LIMIT; `count_capped` is true when more rows match than
    that, and then `count` is the limit (see CappedCountPaginator).
    """

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data) -> Response:
        # DRF calls this after paginate_queryset(), which made the page with our paginator.
        assert self.page is not None and isinstance(self.page.paginator, CappedCountPaginator)
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"]["description"] = (
            "Matching rows, counted up to API_COUNT_LIMIT (10,000 unless configured)."
        )
        properties = {
            **{k: v for k, v in properties.items() if k == "count"},
            "count_capped": {
                "type": "boolean",
                "description": "True when more rows match than `count`: pages stop at the "
                "limit, so narrow the list with filters or reverse its ordering.",
            },
            **{k: v for k, v in properties.items() if k != "count"},
        }
        return {
            **described,
            "properties": properties,
            "required": [*described["required"], "count_capped"],
        }
