from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

# How a page's slice of a queryset is read: e.g. api.shapes.list_rows (values()), or
# api.listing.Listing.rows_of for a list read from compiled SQL.
RowsOf = Callable[[Any], Any]


class CappedCountPaginator(Paginator):
    """Counts matching rows only up to API_COUNT_LIMIT, and pages only within them.

    An exact COUNT reads every matching row on every page: at 100,000 assessments it cost more
    than the rest of the request (bench/notes/list-growth.md). Counting stops one row past the
    limit instead, which says whether there are more; pages past the limit are a 404 like any
    page past the end, so a client narrows a larger list with filters or the other ordering.
    """

    limit = settings.API_COUNT_LIMIT
    # Only querysets (or api.listing.Listing): a slice counts in the database, as a COUNT over
    # a LIMIT subquery.
    object_list: QuerySet[Any]

    def __init__(self, object_list, per_page, *args, rows: RowsOf | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = rows

    def _get_page(self, object_list, *args, **kwargs):
        # The page's slice read as rows (e.g. values()), while the count reads the queryset: a
        # values() queryset's count selects its columns and joins for every row counted, which
        # made a list of 100,000 assessments three times slower than one of 1,000.
        if self.rows is not None:
            object_list = self.rows(object_list)
        return super()._get_page(object_list, *args, **kwargs)

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

    def paginate_rows(self, queryset, request, view, rows: RowsOf) -> list | None:
        """paginate_queryset(), with the page's rows read by `rows` (the count by the queryset)."""
        # DRF makes the paginator with (queryset, page_size): a factory that adds the rows.
        self.django_paginator_class = partial(CappedCountPaginator, rows=rows)  # type: ignore[assignment]
        return self.paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        # DRF falls back to the default for a page_size it cannot read, and cuts one over the
        # maximum: either way the client gets pages of a size it did not ask for, unknowingly.
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return int(self.page_size or 0)
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(value)

    def get_page_number(self, request, paginator) -> int | str:
        # DRF reads an empty page as the first and any other word as a page past the end (404):
        # what is not a whole number is the client's mistake, named as such. A whole number
        # outside the pages (0, or past the last) stays the documented 404.
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        if value in self.last_page_strings:
            return paginator.num_pages
        if not re.fullmatch(r"-?\d+", value):
            raise ValidationError({self.page_query_param: ["A whole number from 1."]})
        return int(value)

    def get_paginated_response(self, data) -> Response:
        # DRF calls this after paginate_queryset(), which made the page with our paginator.
        assert self.page is not None and isinstance(self.page.paginator, CappedCountPaginator)
        paginator = self.page.paginator
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        # The same links as a Link header (RFC 8288), for clients that page by headers.
        links = [
            f'<{url}>; rel="{rel}"'
            for url, rel in ((next_link, "next"), (previous_link, "prev"))
            if url
        ]
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.capped,
                "next": next_link,
                "previous": previous_link,
                "results": data,
            },
            headers={"Link": ", ".join(links)} if links else None,
        )

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] |= {"minimum": 1, "maximum": self.max_page_size}
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] |= {"minimum": 1}
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        # DRF's example links point at an "accounts" list of another API.
        properties["next"]["example"] = "https://readiness.example.com/api/v1/assessments/?page=3"
        properties["previous"]["example"] = (
            "https://readiness.example.com/api/v1/assessments/?page=1"
        )
        properties["count"]["description"] = (
            f"Matching rows, counted up to {settings.API_COUNT_LIMIT:,} (then count_capped is "
            "true)."
        )
        properties = {
            **{k: v for k, v in properties.items() if k == "count"},
            "count_capped": {
                "type": "boolean",
                "description": "True when more rows match than `count`: pages stop at the "
                "limit, so narrow the list with filters or reverse its ordering.",
                "example": False,
            },
            **{k: v for k, v in properties.items() if k != "count"},
        }
        return {
            **described,
            "properties": properties,
            "required": [*described["required"], "count_capped"],
        }
