"""An edition's weights and figures as one table, read and written as XLSX or CSV.

Analysts keep benchmark figures in spreadsheets; this is the file they export, edit and import
(assessments/edition_import.py). One row per pillar weight, per practice weight and per citation:

    row       pillar | practice | citation
    key       the pillar's or practice's key (a citation: its practice's key)
    ref       a citation's number within its practice (1, 2, ...) in the exported edition;
              blank for a new citation
    weight    a pillar's or practice's weight
    ...       a citation's fields, CITATION_COLUMNS, each language of a text in its own column

The citation columns are model fields, named as on Citation: a field added to the model is one
more name in CITATION_COLUMNS.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname
from openpyxl import Workbook, load_workbook

from assessments.models import Citation, Pillar, Practice
from assessments.translation import TRANSLATED_FIELDS

ROW, KEY, REF, WEIGHT = "row", "key", "ref", "weight"
PILLAR, PRACTICE, CITATION = "pillar", "practice", "citation"
# Citation fields in the file, in column order: the typed citation readers see. A translated
# field becomes one column per language (publisher_en, publisher_zh_hans); "category" is written
# as the category's slug; is_proxy as True/False. The internal reference (source) is not in the
# file: it is for admins only and never exported.
CITATION_FIELDS = (
    "use",
    "category",
    "percent",
    "publisher",
    "title",
    "year",
    "url",
    "population",
    "population_kind",
    "is_proxy",
    "statement",
    "note",
)
XLSX_SHEET = "benchmark"


def _columns_of(name: str) -> list[str]:
    if name in TRANSLATED_FIELDS[Citation]:
        return [build_localized_fieldname(name, code) for code, _ in settings.LANGUAGES]
    return [name]


CITATION_COLUMNS: tuple[str, ...] = tuple(c for name in CITATION_FIELDS for c in _columns_of(name))
HEADER: tuple[str, ...] = (ROW, KEY, REF, WEIGHT, *CITATION_COLUMNS)


@dataclass(frozen=True)
class SheetRow:
    """One data row as text, with its row number in the file (the header is row 1)."""

    number: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


class SheetUnreadable(ValueError):
    """The file is not a table this module reads; the message says what is wrong."""


# --- export -------------------------------------------------------------------------------------


def edition_table(edition_id: int) -> list[list[object]]:
    """The header and every row of the edition, in four queries."""
    table: list[list[object]] = [list(HEADER)]
    for pillar in Pillar.objects.filter(edition_id=edition_id).order_by("position", "key"):
        table.append([PILLAR, pillar.key, "", number(pillar.weight)])
    practices = Practice.objects.filter(edition_id=edition_id).select_related("pillar")
    for practice in practices:
        table.append([PRACTICE, practice.key, "", number(practice.weight)])
    for key, ref, citation in numbered_citations(edition_id):
        table.append([CITATION, key, ref, "", *citation_values(citation)])
    return table


def numbered_citations(edition_id: int) -> Iterator[tuple[str, int, Citation]]:
    """(practice key, number within the practice from 1, citation) in the edition's order."""
    rows = Citation.objects.filter(practice__edition_id=edition_id).select_related(
        "practice", "category"
    )
    counts: dict[str, int] = {}
    for citation in rows.order_by("practice__pillar__position", "practice__position", *_ORDER):
        key = citation.practice.key
        counts[key] = counts.get(key, 0) + 1
        yield key, counts[key], citation


# Citation's own ordering after its practice: the order of a practice's citations, everywhere.
_ORDER = ("practice__key", "use", "category__position", "id")


def citation_values(citation: Citation) -> list[object]:
    return [cell_value(citation, column) for column in CITATION_COLUMNS]


def cell_value(citation: Citation, column: str) -> object:
    if column == "category":
        return citation.category.slug if citation.category else ""
    value = getattr(citation, column)
    return "" if value is None else number(value)


def number(value: object) -> object:
    """A stored decimal as the number a spreadsheet shows (35.00 is 35, 41.50 is 41.5)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write(table: list[list[object]], path: Path | str) -> None:
    """Write the table as XLSX or CSV, by the file's extension."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_bytes(table))
    elif path.suffix.lower() == ".csv":
        path.write_bytes(csv_bytes(table))
    else:
        raise SheetUnreadable(f"{path.name}: give a file name ending in .xlsx or .csv.")


def xlsx_bytes(table: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = XLSX_SHEET
    for row in table:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(table: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(table)
    # With the byte order mark, Excel opens the file as UTF-8 and shows the Chinese.
    return out.getvalue().encode("utf-8-sig")


# --- import: the file back into rows ------------------------------------------------------------


def read(content: bytes, name: str) -> list[SheetRow]:
    """The data rows of an uploaded or local file, by its extension; SheetUnreadable if not."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        cells = _xlsx_cells(content)
    elif suffix == ".csv":
        cells = _csv_cells(content)
    else:
        raise SheetUnreadable(f"{name}: the file must be .xlsx or .csv.")
    return _rows(cells)


def _xlsx_cells(content: bytes) -> Iterator[list[object]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not XLSX
        raise SheetUnreadable(f"This is not an XLSX workbook ({exc}).") from exc
    sheet = book[XLSX_SHEET] if XLSX_SHEET in book.sheetnames else book.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield list(row)


def _csv_cells(content: bytes) -> Iterator[list[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetUnreadable("The CSV file is not UTF-8: save it as 'CSV UTF-8'.") from exc
    yield from csv.reader(io.StringIO(text))


def _rows(cells: Iterable[list[object]]) -> list[SheetRow]:
    cells = iter(cells)
    header = [_text(v) for v in next(cells, [])]
    missing = [c for c in (ROW, KEY, REF, WEIGHT) if c not in header]
    if missing:
        raise SheetUnreadable(
            f"The first row must name the columns; missing: {', '.join(missing)}."
        )
    rows = []
    for number, values in enumerate(cells, start=2):
        texts = {h: _text(v) for h, v in zip(header, values, strict=False) if h}
        if any(texts.values()):
            rows.append(SheetRow(number, texts))
    return rows


def _text(value: object) -> str:
    # A spreadsheet turns 2017 into 2017.0; the models read text.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()
