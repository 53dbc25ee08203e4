"""Thin API views: parse with an input serializer, call a service, answer with an output one.

Every queryset is scoped to the caller in get_queryset() through the one access rule
(Assessment.objects.visible_to / Brand.objects.visible_to), so list, detail, report, exports and
webhooks can never disagree about who sees what: anything else is a 404.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import cache as answer_cache
from api import listing, shapes, stored_reports, webhooks
from api import serializers as s
from api.downloads import (
    DOWNLOAD_QUERY_PARAMS,
    DOWNLOAD_RENDERERS,
    REPORT_DOWNLOADS,
    AssessmentDownloadsMixin,
    deprecated_format,
    list_csv,
    report_file,
    require_scored,
)
from api.exceptions import Conflict, PreconditionRequired
from api.filters import AssessmentFilter
from api.idempotency import idempotent
from api.models import WebhookEndpoint, new_secret
from api.pagination import BoundedPageNumberPagination
from api.params import StrictQueryParamsMixin
from api.renderers import FILE_FORMATS, CSVRenderer, JSONRenderer, PDFRenderer
from api.schema import IDEMPOTENCY_ERRORS, IDEMPOTENCY_KEY, IF_MATCH
from assessments import plans, services
from assessments.core.answers import AnswerErrors
from assessments.models import Assessment, Category, Edition, Question
from assessments.report_data import report_for

# Ids are integers in the URL as in the schema: anything else matches no route (a JSON 404,
# readiness/urls.py) instead of reaching the database as a string.
ID_PATTERN = "[0-9]+"
VERSION_REQUIRED = (
    'Send the version you read with the answers: "version": <n> in the body (it is in GET '
    '/api/v1/assessments/{id}/), or an If-Match: "<n>" header. Without it a colleague\'s save '
    "since your read would be overwritten unseen; nothing was saved."
)
PLAN_TARGET = OpenApiParameter(
    "target",
    str,
    description="A tier key (e.g. advanced) or a readiness index from 0 to 1000; "
    "by default the next tier up.",
)


def answer_errors(exc: AnswerErrors) -> ValidationError:
    """The services' per-question messages as field errors: {"answers": {"<id>": ["..."]}}.

    In the request's language (Accept-Language): each message is its template translated.
    """
    messages = dict(exc.errors)
    for key, (template, params) in exc.problems.items():
        text = gettext(template)
        messages[key] = f"{key}: {text % params if params else text}"
    return ValidationError({"answers": {key: [message] for key, message in messages.items()}})


def conflict(exc: Exception) -> Conflict:
    if isinstance(exc, services.StaleDraft):
        # The service's message speaks of a web page; an API client needs to re-read instead.
        return Conflict(
            "Someone saved this assessment after the version you sent; nothing was saved. Read "
            "it again (GET) and send your changes with the current version.",
            "stale_version",
            current_version=exc.current_version,
        )
    return Conflict(str(exc), "not_editable")


class JSONErrorsMixin:
    """Errors are JSON even when a download (or ?format=csv or pdf) asked for a file."""

    def finalize_response(self, request, response, *args, **kwargs):
        # No renderer yet: the Accept header matched none (a 406), and DRF would pick the first,
        # a download's file renderer.
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(response, "exception", False) and (
            renderer is None or renderer.format in FILE_FORMATS
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def _list_depends_on(request) -> None:
    """A list shows the rows of the brands its reader serves: their writes make it stale."""
    if request.user.is_staff:
        answer_cache.depends_on_any_brand(request)
        return
    generation = answer_cache.generation_read(request)
    answer_cache.depends_on(request, brands=listing.brand_ids(request.user, generation))


def _valid(serializer_class, data, **context) -> dict:
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- The benchmark ------------------------------------------------------------------------------


class QuestionnaireView(StrictQueryParamsMixin, APIView):
    @extend_schema(responses={200: s.QuestionnaireSerializer})
    def get(self, request):
        """The current edition's questions, in questionnaire order."""
        edition = Edition.objects.current()
        questions = (
            Question.objects.filter(edition=edition)
            .select_related("practice__pillar")
            .prefetch_related("choices")
        )
        return Response(
            s.QuestionnaireSerializer({"edition": edition, "questions": questions}).data
        )


class BenchmarkView(StrictQueryParamsMixin, APIView):
    @extend_schema(responses={200: s.BenchmarkSerializer})
    def get(self, request):
        """The current edition: weights, efforts, sourced prevalence per category, and tiers."""
        edition = Edition.objects.with_benchmark().get(is_current=True)
        edition.categories = Category.objects.all()
        return Response(s.BenchmarkSerializer(edition).data)


# --- Assessments --------------------------------------------------------------------------------


# The actions that answer a list of assessments, which its filters (AssessmentFilter) narrow.
LISTING_ACTIONS = ("list", "export_csv", "export_xlsx")


class AssessmentViewSet(
    StrictQueryParamsMixin,
    JSONErrorsMixin,
    AssessmentDownloadsMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Assessment.objects.none()  # for the schema; get_queryset() scopes every request
    serializer_class = s.AssessmentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssessmentFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = ID_PATTERN
    action_query_params = {"plan": ("target",), **DOWNLOAD_QUERY_PARAMS}

    def get_queryset(self):
        visible = Assessment.objects.visible_to(self.request.user)
        if self.action == "report" and self.request.accepted_renderer.format == "json":
            return stored_reports.with_stored_report(visible)
        if self.action in ("retrieve", "report", *REPORT_DOWNLOADS):
            return visible.with_report()
        if self.action == "plan":
            return visible.select_related("brand", "category", "result__edition")
        if self.action in LISTING_ACTIONS:
            return visible.for_list()
        return visible.select_related("brand", "category", "edition", "result")

    def get_object(self):
        if self.action == "report" and self.request.accepted_renderer.format == "json":
            # The same access rule and rows as get_queryset()'s, from SQL compiled once.
            assessment = stored_reports.visible_report(self.request.user, int(self.kwargs["pk"]))
            self.check_object_permissions(self.request, assessment)
            return assessment
        return super().get_object()

    def filter_queryset(self, queryset):
        # Only the list and its exports take the filters (api/params.py refuses them elsewhere).
        # A detail action (a report, a plan) found its one row through a FilterSet built and
        # validated for nothing: a tenth of a built report's time (bench/notes/reads.md).
        if self.action not in LISTING_ACTIONS:
            return queryset
        # With no filter asked for (a list's first page), building the FilterSet (a deep copy
        # of its filters and a form) only to filter nothing was a tenth of a built page.
        if self._unfiltered():
            return AssessmentFilter.ordered(queryset)
        return super().filter_queryset(queryset)

    def get_renderers(self):
        action = getattr(self, "action", None) or ""
        if action in DOWNLOAD_RENDERERS:
            return [renderer() for renderer in DOWNLOAD_RENDERERS[action]]
        # The deprecated ?format=csv (list, report) and ?format=pdf (report).
        formats = {"list": [CSVRenderer()], "report": [CSVRenderer(), PDFRenderer()]}
        return [JSONRenderer(), *formats.get(action, [])]

    @extend_schema(responses={200: s.AssessmentSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        """The assessments of the brands you serve, newest first; filter and order with params.

        For a spreadsheet, every assessment the filters match in one file: GET
        /api/v1/assessments/export/csv/ or /export/xlsx/. (`?format=csv` here still answers the
        CSV, but is deprecated.)
        """
        if request.accepted_renderer.format != "csv":
            _list_depends_on(request)
            return self._page(request)
        rows = self.filter_queryset(self.get_queryset())
        return deprecated_format(list_csv(request, rows), f"{request.path}export/csv/")

    @extend_schema(
        request=s.AssessmentCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.AssessmentSerializer, **IDEMPOTENCY_ERRORS},
    )
    def create(self, request):
        """Start an assessment with its answers; submit: true also submits it for scoring.

        Send an Idempotency-Key header to retry safely: the same key and body replay the first
        answer instead of creating a second assessment.
        """
        return idempotent(request, lambda: self._create(request))

    def _create(self, request) -> Response:
        data = _valid(s.AssessmentCreateSerializer, request.data, user=request.user)
        try:
            assessment = services.assessment_create(
                brand=data["brand"],
                category=data["category"],
                user=request.user,
                answers=data["answers"],
                submit=data["submit"],
            )
        except AnswerErrors as exc:
            raise answer_errors(exc) from exc
        return Response(
            s.AssessmentSerializer(self._reload(assessment.pk)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"{request.path}{assessment.pk}/"},
        )

    def _page(self, request) -> Response:
        # ListModelMixin.list, with the rows built by api/shapes.py (the serializer's JSON).
        paginator = self.paginator
        assert isinstance(paginator, BoundedPageNumberPagination)  # settings: always paginated
        if self._unfiltered():  # the same rows, from SQL compiled once (api/listing.py)
            rows = listing.Listing(request.user)
            page = paginator.paginate_rows(rows, request, self, listing.Listing.rows_of)
        else:
            queryset = self.filter_queryset(self.get_queryset())
            page = paginator.paginate_rows(queryset, request, self, shapes.list_rows)
        generation = answer_cache.generation_read(request)
        return self.get_paginated_response(shapes.assessments_json(page or [], generation))

    def _unfiltered(self) -> bool:
        return self.request.query_params.keys().isdisjoint(AssessmentFilter.base_filters)

    def _reload(self, pk: int) -> Assessment:
        return self.get_queryset().get(pk=pk)

    @extend_schema(responses={200: s.AssessmentDetailSerializer})
    def retrieve(self, request, pk=None):
        """One assessment with its answers, and its report once scored (else report is null)."""
        assessment = self.get_object()
        report = report_for(assessment) if assessment.result_id else None
        context = {"answers": services.assessment_answers(assessment), "report": report}
        return Response(s.AssessmentDetailSerializer(assessment, context=context).data)

    @extend_schema(
        request=s.AssessmentUpdateSerializer,
        parameters=[IF_MATCH],
        responses={
            200: s.AssessmentSerializer,
            409: OpenApiResponse(
                s.ConflictSerializer, description="Already submitted, or a stale version."
            ),
            428: OpenApiResponse(
                s.ErrorSerializer, description="Answers sent without version or If-Match."
            ),
        },
    )
    def partial_update(self, request, pk=None):
        """Save answers of a draft and/or submit it; all or nothing.

        Answers need the version you read, as `version` or an `If-Match` header: without it a
        colleague's save since your read would be overwritten unseen (428).
        """
        assessment = self.get_object()
        data = _valid(s.AssessmentUpdateSerializer, request.data)
        data["version"] = _expected_version(request, data)
        if "answers" in data and data["version"] is None:
            raise PreconditionRequired(VERSION_REQUIRED)
        try:
            _update_draft(assessment, data, request.user)
        except AnswerErrors as exc:
            raise answer_errors(exc) from exc
        except (services.StaleDraft, services.AssessmentNotEditable) as exc:
            raise conflict(exc) from exc
        return Response(s.AssessmentSerializer(self._reload(assessment.pk)).data)

    @extend_schema(
        responses={
            200: s.ReportSerializer,
            409: OpenApiResponse(s.ErrorSerializer, description="Not scored yet."),
        },
    )
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        """The report of a scored assessment.

        As a file: GET /api/v1/assessments/{id}/report/csv/, /report/pdf/ or /report/xlsx/.
        (`?format=csv` and `?format=pdf` here still answer the file, but are deprecated.)
        """
        assessment = self.get_object()
        # Its brand (the assessment, its previous one) and its category (the percentile).
        scopes = {"brands": [assessment.brand_id], "categories": [assessment.category_id]}
        if not answer_cache.depends_on(request, **scopes):
            assessment = self.get_object()  # read again, after the scopes' generations
        fmt = request.accepted_renderer.format
        if fmt in ("csv", "pdf"):
            return deprecated_format(report_file(request, assessment, fmt), f"{request.path}{fmt}/")
        require_scored(assessment)
        return Response(stored_reports.report_json(assessment))

    @extend_schema(
        parameters=[PLAN_TARGET],
        responses={
            200: s.PlanSerializer,
            400: OpenApiResponse(
                s.ErrorSerializer,
                description="attr target: an unknown tier, an index outside 0..1000, or an "
                "assessment not scored yet (a draft).",
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def plan(self, request, pk=None):
        """The least-effort set of practices to raise that reaches the target tier or index."""
        assessment = self.get_object()
        try:
            found = plans.assessment_plan(
                assessment=assessment, target=request.query_params.get("target")
            )
        except plans.PlanTargetError as exc:
            raise ValidationError({"target": [str(exc)]}) from exc
        return Response(s.PlanSerializer(found).data)


def _expected_version(request, data: dict) -> int | None:
    """The version the client read: the body's `version`, else the If-Match header's."""
    if data.get("version") is not None:
        return data["version"]
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationError(
            {"If-Match": ['Send the version you read, quoted: If-Match: "3".']}, code="invalid"
        )
    return int(value)


def _update_draft(assessment: Assessment, data: dict, user) -> None:
    # One transaction: a submit refused for missing answers also undoes the answers just sent.
    with transaction.atomic():
        # Called even without answers: it checks the version and that the draft is editable.
        services.assessment_save_answers(
            assessment=assessment,
            answers=data.get("answers", {}),
            expected_version=data.get("version"),
            user=user,
        )
        if data["submit"]:
            services.assessment_submit(assessment=assessment, user=user)


# --- Webhooks -----------------------------------------------------------------------------------


class WebhookEndpointViewSet(StrictQueryParamsMixin, viewsets.ModelViewSet):
    """Your webhook endpoints; each receives assessment.scored for the brands you serve."""

    paginated_actions = ("list", "deliveries")
    queryset = WebhookEndpoint.objects.none()  # for the schema; get_queryset() scopes it
    serializer_class = s.WebhookEndpointSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(owner=self.request.user)

    @extend_schema(
        request=s.WebhookEndpointInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.WebhookEndpointCreatedSerializer, **IDEMPOTENCY_ERRORS},
    )
    def create(self, request):
        """Register an endpoint; the response holds its signing secret, shown only this once.

        Send an Idempotency-Key header to retry safely (a replay shows the same secret).
        """
        return idempotent(request, lambda: self._create(request))

    def _create(self, request) -> Response:
        data = _valid(s.WebhookEndpointInputSerializer, request.data)
        with transaction.atomic():
            endpoint = WebhookEndpoint.objects.create(owner=request.user, **data)
            # A ping, so the owner sees at once in the delivery log whether their receiver works.
            webhooks.ping_delivery_create(endpoint=endpoint)
        return Response(
            s.WebhookEndpointCreatedSerializer(endpoint).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"{request.path}{endpoint.pk}/"},
        )

    @extend_schema(request=None, responses={200: s.WebhookEndpointCreatedSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """Replace the signing secret; the response shows the new one, only this once.

        Events sent from now on are signed with the new secret: switch your receiver to it.
        """
        endpoint = self.get_object()
        secret = new_secret()
        if (
            not self.get_queryset()
            .filter(pk=endpoint.pk)
            .update(secret=secret, updated_at=timezone.now())
        ):
            raise NotFound()  # deleted meanwhile
        endpoint.secret = secret
        return Response(s.WebhookEndpointCreatedSerializer(endpoint).data)

    @extend_schema(
        request=s.WebhookEndpointInputSerializer,
        responses={200: s.WebhookEndpointSerializer},
    )
    def partial_update(self, request, pk=None):
        """Change the URL, description or is_active (false pauses deliveries)."""
        endpoint = self.get_object()
        serializer = s.WebhookEndpointInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {**serializer.validated_data, "updated_at": timezone.now()}
        # A conditional UPDATE, not save(): a DELETE that won the race leaves no row, and that is
        # a 404 (save(update_fields=...) would raise, a 500).
        if not self.get_queryset().filter(pk=endpoint.pk).update(**data):
            raise NotFound()
        for field, value in data.items():
            setattr(endpoint, field, value)
        return Response(s.WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={200: s.WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The delivery log of one endpoint, newest first.

        `payload` is null for an event about a brand you can no longer see (unassigned since).
        """
        endpoint = self.get_object()
        page = self.paginate_queryset(endpoint.deliveries.all())
        context = {"visible_brands": webhooks.brands_visible_in(page, request.user)}
        rows = s.WebhookDeliverySerializer(page, many=True, context=context).data
        return self.get_paginated_response(rows)
