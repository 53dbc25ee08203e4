"""The download operations: each a file of its own media type; ?format= still works, deprecated."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from api.tests.errors import fields

ASSESSMENTS = "/api/v1/assessments/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    "suffix,media_type,magic",
    [
        ("csv/", "text/csv; charset=utf-8", b"section,"),
        ("pdf/", "application/pdf", b"%PDF"),
        ("xlsx/", XLSX, b"PK"),
    ],
)
def test_a_report_downloads_as_each_file(consultant_client, world, suffix, media_type, magic):
    response = consultant_client.get(f"{ASSESSMENTS}{world['own_scored']}/report/{suffix}")
    assert response.status_code == 200 and response["Content-Type"] == media_type
    assert response.content.startswith(magic)
    name = f'{suffix[:-1]}"'
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and name in response["Content-Disposition"]
    )
    assert "Deprecation" not in response


def test_a_file_asked_for_as_octet_stream_is_the_same_bytes(consultant_client, world):
    url = f"{ASSESSMENTS}{world['own_scored']}/report/xlsx/"
    response = consultant_client.get(url, HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert response.content.startswith(b"PK")


def test_a_draft_has_no_report_file_and_says_so_in_json(consultant_client, world):
    response = consultant_client.get(f"{ASSESSMENTS}{world['own_draft']}/report/pdf/")
    assert response.status_code == 409 and response["Content-Type"] == "application/json"


def test_a_download_asked_for_as_json_is_a_406(consultant_client, world):
    url = f"{ASSESSMENTS}{world['own_scored']}/report/pdf/"
    response = consultant_client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 406 and response["Content-Type"] == "application/json"


def test_another_brands_report_file_is_a_404(consultant_client, world):
    response = consultant_client.get(f"{ASSESSMENTS}{world['foreign_scored']}/report/csv/")
    assert response.status_code == 404


def test_the_list_exports_every_matching_assessment_as_csv_and_xlsx(consultant_client, world):
    csv = consultant_client.get(ASSESSMENTS + "export/csv/?status=scored")
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,brand,") and [line.split(",")[0] for line in lines[1:]] == [
        str(world["own_scored"])
    ]
    xlsx = consultant_client.get(ASSESSMENTS + "export/xlsx/")
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].values)
    assert rows[0][0] == "id" and len(rows) == 1 + 2  # the header, the own draft and scored one
    scored = next(row for row in rows[1:] if row[0] == world["own_scored"])
    assert isinstance(scored[9], float) and isinstance(scored[10], float)  # figures are numbers


def test_an_export_has_no_pages_and_says_so(consultant_client, world):
    response = consultant_client.get(ASSESSMENTS + "export/csv/?page_size=1")
    assert response.status_code == 400 and list(fields(response)) == ["page_size"]


@pytest.mark.parametrize("value,bom", [("true", True), ("1", True), ("false", False)])
def test_excel_true_starts_the_csv_with_a_byte_order_mark(consultant_client, world, value, bom):
    url = f"{ASSESSMENTS}{world['own_scored']}/report/csv/?excel={value}"
    assert consultant_client.get(url).content.startswith(b"\xef\xbb\xbf") is bom


def test_excel_must_be_true_or_false(consultant_client, world):
    response = consultant_client.get(ASSESSMENTS + "export/csv/?excel=maybe")
    assert response.status_code == 400 and fields(response) == {"excel": ["Give true or false."]}


@pytest.mark.parametrize(
    "old,new",
    [
        ("{id}/report/?format=pdf", "{id}/report/pdf/"),
        ("{id}/report/?format=csv", "{id}/report/csv/"),
        ("?format=csv", "export/csv/"),
    ],
)
def test_format_still_answers_the_file_marked_deprecated(consultant_client, world, old, new):
    scored = world["own_scored"]
    response = consultant_client.get(ASSESSMENTS + old.format(id=scored))
    assert response.status_code == 200
    assert response["Deprecation"].startswith("@")
    successor = ASSESSMENTS + new.format(id=scored)
    assert response["Link"] == f'<{successor}>; rel="successor-version"'
    assert consultant_client.get(successor)["Content-Type"] == response["Content-Type"]
