"""The download operations of /api/v1/assessments/: files, each at a path of its own.

A report as CSV, PDF or XLSX, and the assessment list as CSV or XLSX, are operations of their own
with one media type each, not a `?format=` on the JSON operation: a client generated from the
schema then reads a file as a file instead of parsing it as JSON. The older `?format=csv` and
`?format=pdf` still answer as before, marked deprecated (a Deprecation and a Link header naming
the operation to use instead).
"""

from __future__ import annotations

from itertools import chain

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import serializers as s
from api.exceptions import Conflict
from api.filters import AssessmentFilter
from api.renderers import (
    OCTET_STREAM,
    PDF,
    XLSX,
    CSVRenderer,
    OctetStreamRenderer,
    PDFRenderer,
    XLSXRenderer,
)
from assessments import downloads
from assessments.models import Assessment
from assessments.report_data import Report, report_for

# Rows a CSV export reads per round trip: a few hundred kB of row objects at a time.
EXPORT_CHUNK_ROWS = 2000
# RFC 9745: the date ?format= was deprecated (2026-12-01), as a structured-field date.
DEPRECATED_SINCE = "@1796083200"
EXCEL = OpenApiParameter(
    "excel",
    bool,
    description="true: start the file with a byte-order mark, so that Excel opens it as UTF-8 "
    "(Chinese names and accented letters intact).",
)
NOT_SCORED = OpenApiResponse(
    s.ErrorSerializer,
    description="Not scored yet: a report exists once the assessment is scored.",
)
CSV_REPORT_EXAMPLE = OpenApiExample(
    "Report",
    value="section,item,value,benchmark,gap,change,detail\r\nsummary,overall,62.5,,,,\r\n",
    media_type="text/csv",
    response_only=True,
)
CSV_LIST_EXAMPLE = OpenApiExample(
    "Assessments",
    value="id,brand,brand_slug,category,status,created_at,submitted_at,scored_at,edition,"
    "overall,readiness_index,tier\r\n12,Maison Aurel,maison-aurel,luxury,scored,"
    "2026-11-02T09:00:00+00:00,2026-11-02T09:30:00+00:00,2026-11-02T09:30:05+00:00,"
    "2026 China benchmark,62.5,640,Advanced\r\n",
    media_type="text/csv",
    response_only=True,
)
FILE_SCHEMA = {"type": "string", "format": "binary"}


def file_responses(media_type: str, description: str) -> dict:
    """A binary 200 under its own media type, and under application/octet-stream, which generic
    clients and code generators ask a file as: the same bytes either way."""
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description),
        (200, OCTET_STREAM): OpenApiResponse(OpenApiTypes.BINARY, description=description),
    }


def for_excel(request) -> bool:
    """?excel=true (or 1): a CSV that starts with a byte-order mark, so Excel reads it as UTF-8."""
    value = request.query_params.get("excel")
    if value is None or value in ("false", "0"):
        return False
    if value in ("true", "1"):
        return True
    raise ValidationError({"excel": [_("Give true or false.")]})


def deprecated_format(response, successor: str):
    """Mark an answer to ?format=csv or pdf as deprecated, naming the operation to use instead."""
    response["Deprecation"] = DEPRECATED_SINCE
    response["Link"] = f'<{successor}>; rel="successor-version"'
    return response


def attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def require_scored(assessment: Assessment) -> None:
    """A draft's (or a queued assessment's) report is a 409 that says why."""
    if assessment.result_id is None:
        raise Conflict(
            f"This assessment has no report yet: it is "
            f"{assessment.get_status_display().lower()}. Reports exist once it is scored."
        )


def scored_report(assessment: Assessment) -> Report:
    require_scored(assessment)
    return report_for(assessment)


def report_file(request, assessment: Assessment, fmt: str) -> Response:
    report = scored_report(assessment)
    if fmt == "csv":
        content: str | bytes = downloads.report_csv(report, bom=for_excel(request))
    elif fmt == "pdf":
        content = downloads.report_pdf(report)
    else:
        content = downloads.report_xlsx(report)
    name = f"readiness-{assessment.brand.slug}-{assessment.pk}.{fmt}"
    return attachment(Response(content), name)


def list_csv(request, rows) -> StreamingHttpResponse:
    """Streamed, so the first rows arrive at once and memory does not grow with the list."""
    lines = downloads.assessments_csv_lines(rows.iterator(chunk_size=EXPORT_CHUNK_ROWS))
    if for_excel(request):
        lines = chain([downloads.EXCEL_BOM], lines)
    response = StreamingHttpResponse(
        (line.encode() for line in lines), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, "assessments.csv")


# What each download reads from the query string (api/params.py refuses anything else).
FILTERS = tuple(AssessmentFilter.base_filters)
DOWNLOAD_QUERY_PARAMS = {
    "report_csv": ("excel",),
    "export_csv": (*FILTERS, "excel"),
    "export_xlsx": FILTERS,
}
DOWNLOAD_RENDERERS = {
    "report_csv": [CSVRenderer],
    "report_pdf": [PDFRenderer, OctetStreamRenderer],
    "report_xlsx": [XLSXRenderer, OctetStreamRenderer],
    "export_csv": [CSVRenderer],
    "export_xlsx": [XLSXRenderer, OctetStreamRenderer],
}
REPORT_DOWNLOADS = ("report_csv", "report_pdf", "report_xlsx")


class AssessmentDownloadsMixin:
    """The download operations of AssessmentViewSet (it scopes the querysets)."""

    @extend_schema(
        operation_id="assessments_report_csv",
        parameters=[EXCEL],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The report as CSV (UTF-8): one row per figure, headers in the "
                "request's language.",
                examples=[CSV_REPORT_EXAMPLE],
            ),
            409: NOT_SCORED,
        },
    )
    @action(detail=True, methods=["get"], url_path="report/csv")
    def report_csv(self, request, pk=None):
        """The report of a scored assessment as a CSV file, for a spreadsheet."""
        return report_file(request, self.get_object(), "csv")

    @extend_schema(
        operation_id="assessments_report_pdf",
        responses={**file_responses(PDF, "The report as a PDF document."), 409: NOT_SCORED},
    )
    @action(detail=True, methods=["get"], url_path="report/pdf")
    def report_pdf(self, request, pk=None):
        """The report of a scored assessment as a PDF document, as printed from the web page."""
        return report_file(request, self.get_object(), "pdf")

    @extend_schema(
        operation_id="assessments_report_xlsx",
        responses={
            **file_responses(XLSX, "The report as an Excel workbook, one sheet per section."),
            409: NOT_SCORED,
        },
    )
    @action(detail=True, methods=["get"], url_path="report/xlsx")
    def report_xlsx(self, request, pk=None):
        """The report of a scored assessment as an Excel workbook; figures are numbers."""
        return report_file(request, self.get_object(), "xlsx")

    @extend_schema(
        operation_id="assessments_export_csv",
        filters=True,
        parameters=[EXCEL],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="Every assessment the filters match, one row each, header first.",
                examples=[CSV_LIST_EXAMPLE],
            )
        },
    )
    @action(detail=False, methods=["get"], url_path="export/csv")
    def export_csv(self, request):
        """Every assessment the filters match as one CSV file: no pages, streamed."""
        return list_csv(request, self.filter_queryset(self.get_queryset()))

    @extend_schema(
        operation_id="assessments_export_xlsx",
        filters=True,
        responses=file_responses(XLSX, "Every assessment the filters match, one row each."),
    )
    @action(detail=False, methods=["get"], url_path="export/xlsx")
    def export_xlsx(self, request):
        """Every assessment the filters match as an Excel workbook; figures are numbers."""
        rows = self.filter_queryset(self.get_queryset())
        content = downloads.assessments_xlsx(rows.iterator(chunk_size=EXPORT_CHUNK_ROWS))
        return attachment(Response(content), "assessments.xlsx")
