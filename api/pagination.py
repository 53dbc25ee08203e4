from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class BoundedPageNumberPagination(PageNumberPagination):
    """API_PAGE_SIZE rows a page; a client may ask for up to API_MAX_PAGE_SIZE with page_size."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
