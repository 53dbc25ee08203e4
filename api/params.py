"""Strict query parameters: one the view does not read is a 400 naming it, not ignored.

A misspelled filter (`?stauts=draft`) used to answer the unfiltered list, which a client could
take for the filtered one. DRF and django-filter ignore unknown parameters, so the check is
here: each view says what it reads (its filters, its pagination, `format`).
"""

from __future__ import annotations

from rest_framework.exceptions import ValidationError

# Read on every view: ?format=csv picks a renderer (settings.URL_FORMAT_OVERRIDE), and with it
# ?excel=1 starts the CSV with a byte-order mark (api/views.py).
ALWAYS = frozenset({"format", "excel"})
# May be given several times (or as a comma list): every value counts.
REPEATABLE = frozenset({"ordering"})


class StrictQueryParamsMixin:
    """Refuse query parameters the action does not read, and repeats of single-valued ones."""

    # Actions that answer a page of a list: they read the paginator's page and page_size.
    paginated_actions: tuple[str, ...] = ("list",)
    # What an action reads beyond those, by action name: {"plan": ("target",)}.
    action_query_params: dict[str, tuple[str, ...]] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication first: a 401 comes before
        # A method the view lacks is a 405 whatever the query string (dispatch answers it next).
        if hasattr(self, request.method.lower()):
            self.check_query_params(request)

    def allowed_query_params(self) -> set[str]:
        allowed = set(ALWAYS)
        action = getattr(self, "action", None)
        allowed |= set(self.action_query_params.get(action or "", ()))
        if action in self.paginated_actions:
            paginator = self.paginator  # type: ignore[attr-defined]  # a GenericAPIView mixin
            allowed |= {paginator.page_query_param, paginator.page_size_query_param}
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
        return allowed

    def check_query_params(self, request) -> None:
        allowed = self.allowed_query_params()
        errors: dict[str, list[str]] = {}
        for name in request.query_params:
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                errors[name] = [f"Unknown query parameter. This one reads: {known}."]
            elif name not in REPEATABLE and len(request.query_params.getlist(name)) > 1:
                errors[name] = ["Give this parameter once."]
        if errors:
            raise ValidationError(errors)
