"""Spreadsheet round trips: export an edition, edit it, dry-run and import it into a draft."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments import edition_import, publishing, spreadsheets
from assessments.models import Citation, Edition, Pillar, Practice
from assessments.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db
COLUMNS = list(spreadsheets.HEADER)


@pytest.fixture
def draft(edition) -> Edition:
    return publishing.edition_copy(edition=edition, label="2018 draft")


def _snapshot(edition: Edition) -> list:
    """Everything a spreadsheet can change, as stored."""
    return [
        list(Pillar.objects.filter(edition=edition).order_by("pk").values()),
        list(Practice.objects.filter(edition=edition).order_by("pk").values()),
        list(Citation.objects.filter(practice__edition=edition).order_by("pk").values()),
    ]


def _through_file(table, tmp_path, suffix) -> list[spreadsheets.SheetRow]:
    path = tmp_path / f"benchmark{suffix}"
    spreadsheets.write(table, path)
    return spreadsheets.read(path.read_bytes(), path.name)


def _set(table, kind, key, column, value, ref=""):
    for row in table[1:]:
        if row[0] == kind and row[1] == key and str(row[2]) == str(ref):
            row[COLUMNS.index(column)] = value
            return row
    raise AssertionError((kind, key, ref))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_exported_edition_imports_into_its_copy_without_a_change(
    edition, draft, tmp_path, suffix
):
    rows = _through_file(spreadsheets.edition_table(edition.pk), tmp_path, suffix)
    report = edition_import.edition_import(draft=draft, rows=rows)
    assert report.refusals == [] and report.changes == []
    assert (
        len(rows)
        == Pillar.objects.filter(edition=edition).count()
        + Practice.objects.filter(edition=edition).count()
        + Citation.objects.filter(practice__edition=edition).count()
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_edit_dry_run_then_import_round_trips_exactly(draft, tmp_path, suffix):
    table = spreadsheets.edition_table(draft.pk)
    _set(table, "pillar", "messaging", "weight", 2.5)
    _set(table, "practice", "live-streaming", "weight", 3)
    _set(table, "citation", "live-streaming", "percent", 41.5, ref=1)
    _set(table, "citation", "live-streaming", "statement_zh_hans", "新的说法", ref=1)
    removed = next(r for r in table if r[0] == "citation" and r[1] == "kol-streams")
    table.remove(removed)
    added = {
        "row": "citation",
        "key": "kol-streams",
        "use": "supporting",
        "category": "beauty",
        "percent": 12,
        "publisher_en": "Analyst Co.",
        "publisher_zh_hans": "分析师公司",
        "title_en": "A new study",
        "title_zh_hans": "一项新研究",
        "year": 2018,
        "url": "https://example.com/s",
        "population_en": "Beauty brands",
        "population_zh_hans": "美妆品牌",
        "population_kind": "consumers",
        "is_proxy": True,
        "statement_en": "A new study.",
        "statement_zh_hans": "一项新研究的说法。",
    }
    table.append([added.get(column, "") for column in COLUMNS])
    rows = _through_file(table, tmp_path, suffix)
    before = _snapshot(draft)

    dry = edition_import.edition_import(draft=draft, rows=rows, dry_run=True)
    assert dry.refusals == [] and not dry.applied
    shown = [str(change) for change in dry.changes]
    assert any("Pillar messaging: weight '1' -> '2.5'" in s for s in shown), shown
    assert any("Practice live-streaming: weight" in s and "-> '3'" in s for s in shown)
    assert any("Citation live-streaming #1: percent" in s and "-> '41.5'" in s for s in shown)
    assert any("statement_zh_hans" in s and "新的说法" in s for s in shown)
    assert any("New citation of kol-streams" in s for s in shown)
    assert any("kol-streams #1 removed" in s for s in shown)
    assert _snapshot(draft) == before  # the dry run wrote nothing

    real = edition_import.edition_import(draft=draft, rows=rows)
    assert real.applied and [str(c) for c in real.changes] == shown
    # Exported again, the draft is the edited file (a citation's number follows its place).
    after = _through_file(spreadsheets.edition_table(draft.pk), tmp_path, suffix)
    assert _content(after) == _content(rows)
    assert Pillar.objects.get(edition=draft, key="messaging").weight == Decimal("2.5")
    again = edition_import.edition_import(draft=draft, rows=after, dry_run=True)
    assert again.changes == [] and again.refusals == []


def _content(rows) -> list:
    return sorted(tuple(sorted((k, v) for k, v in r.values.items() if k != "ref")) for r in rows)


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("key", "no-such-practice", "no practice 'no-such-practice'"),
        ("category", "toys", "no category 'toys'"),
        ("percent", 150, "between 0 and 100, not 150"),
        ("percent", -1, "between 0 and 100, not -1"),
        ("publisher_en", "", "Name the publisher"),
        ("year", "", "cannot be null"),
        ("population_kind", "", "Say what the figure counts"),
        ("population_kind", "shoppers", "not a valid choice"),
        ("ref", 99, "no citation #99"),
        ("use", "rumour", "not a valid choice"),
        ("percent", "many", "must be a decimal number"),
    ],
)
def test_a_bad_row_is_refused_with_its_row_and_field_and_nothing_changes(
    draft, tmp_path, column, value, reason
):
    table = spreadsheets.edition_table(draft.pk)
    _set(table, "pillar", "messaging", "weight", 4)  # a good change, refused with the file
    bad = _set(table, "citation", "live-streaming", column, value, ref=1)
    number = table.index(bad) + 1
    before = _snapshot(draft)
    report = edition_import.edition_import(draft=draft, rows=_through_file(table, tmp_path, ".csv"))
    assert not report.applied
    (refusal,) = report.refusals
    assert (refusal.row, refusal.field) == (number, column)
    assert reason in refusal.reason
    assert _snapshot(draft) == before


def test_a_share_of_non_brands_is_refused_until_marked_a_proxy(draft, tmp_path):
    table = spreadsheets.edition_table(draft.pk)
    row = _set(table, "citation", "live-streaming", "population_kind", "consumers", ref=1)
    assert row[COLUMNS.index("use")] == "benchmark" and row[COLUMNS.index("percent")] is not None
    before = _snapshot(draft)
    report = edition_import.edition_import(draft=draft, rows=_through_file(table, tmp_path, ".csv"))
    (refusal,) = report.refusals
    assert (refusal.row, refusal.field) == (table.index(row) + 1, "is_proxy")
    assert "not brands: mark it a proxy" in refusal.reason
    assert _snapshot(draft) == before
    row[COLUMNS.index("is_proxy")] = True
    report = edition_import.edition_import(draft=draft, rows=_through_file(table, tmp_path, ".csv"))
    assert report.applied and report.refusals == []
    (marked,) = [
        c
        for k, n, c in spreadsheets.numbered_citations(draft.pk)
        if k == "live-streaming" and n == 1
    ]
    assert (marked.population_kind, marked.is_proxy) == ("consumers", True)


def test_a_negative_weight_and_an_unknown_pillar_are_refused(draft, tmp_path):
    table = spreadsheets.edition_table(draft.pk)
    _set(table, "practice", "live-streaming", "weight", -1)
    table.append(["pillar", "no-such-pillar", "", 1])
    report = edition_import.edition_import(draft=draft, rows=_through_file(table, tmp_path, ".csv"))
    assert [(r.field, r.reason.split(":")[0]) for r in report.refusals] == [
        ("weight", "The weight of practice 'live-streaming' is -1"),
        ("key", "There is no pillar 'no-such-pillar' in this draft."),
    ]


def test_a_published_edition_takes_no_import(edition, tmp_path):
    rows = _through_file(spreadsheets.edition_table(edition.pk), tmp_path, ".csv")
    with pytest.raises(edition_import.ImportRefused, match="is published"):
        edition_import.edition_import(draft=edition, rows=rows)


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(spreadsheets.SheetUnreadable, match="missing: row, key, ref, weight"):
        spreadsheets.read(b"a,b\n1,2\n", "x.csv")
    with pytest.raises(spreadsheets.SheetUnreadable, match="not an XLSX"):
        spreadsheets.read(b"nonsense", "x.xlsx")


def test_the_commands_draft_export_dry_run_and_import(edition, tmp_path, capsys):
    call_command("edition_draft", edition.pk, "--label", "Scripted draft")
    draft = Edition.objects.get(label="Scripted draft")
    assert draft.is_draft and draft.based_on == edition
    path = tmp_path / "figures.xlsx"
    call_command("edition_export", draft.pk, str(path))
    table = spreadsheets.edition_table(draft.pk)
    _set(table, "pillar", "payments", "weight", 2)
    spreadsheets.write(table, path)
    capsys.readouterr()
    call_command("edition_import", draft.pk, str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Pillar payments: weight '1' -> '2'" in out and "nothing written" in out
    assert Pillar.objects.get(edition=draft, key="payments").weight == 1
    call_command("edition_import", draft.pk, str(path))
    assert Pillar.objects.get(edition=draft, key="payments").weight == 2
    _set(table, "pillar", "payments", "weight", "heavy")
    spreadsheets.write(table, path)
    with pytest.raises(CommandError, match="Row 3, weight"):
        call_command("edition_import", draft.pk, str(path))
    with pytest.raises(CommandError, match="already labelled"):
        call_command("edition_draft", edition.pk, "--label", "Scripted draft")


# --- the admin pages ------------------------------------------------------------------------


@pytest.fixture
def staff(client):
    client.force_login(AdminFactory(username="root"))
    return client


def _upload(table, name="figures.csv"):
    content = spreadsheets.csv_bytes(table)
    if name.endswith(".xlsx"):
        content = spreadsheets.xlsx_bytes(table)
    return SimpleUploadedFile(name, content)


def _shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_edition_page_downloads_its_spreadsheet(staff, edition):
    page = staff.get(reverse("admin:assessments_edition_change", args=[edition.pk])).content
    url = reverse("admin:assessments_edition_export", args=[edition.pk, "xlsx"])
    assert url in page.decode()
    response = staff.get(url)
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = spreadsheets.read(response.content, "x.xlsx")
    assert rows == spreadsheets.read(
        spreadsheets.xlsx_bytes(spreadsheets.edition_table(edition.pk)), "y.xlsx"
    )


@pytest.mark.parametrize("name", ["figures.csv", "figures.xlsx"])
def test_an_admin_checks_then_imports_a_spreadsheet(staff, draft, name):
    url = reverse("admin:assessments_edition_import", args=[draft.pk])
    assert staff.get(url).status_code == 200
    table = spreadsheets.edition_table(draft.pk)
    _set(table, "pillar", "payments", "weight", 2)
    checked = staff.post(url, {"file": _upload(table, name), "check": "Check"})
    assert any("Dry run: 1 change(s), nothing written" in m for m in _shown(checked))
    assert "Pillar payments" in checked.content.decode()
    assert Pillar.objects.get(edition=draft, key="payments").weight == 1
    imported = staff.post(url, {"file": _upload(table, name), "import": "Import"})
    assert any("Imported 1 change(s)" in m for m in _shown(imported))
    assert Pillar.objects.get(edition=draft, key="payments").weight == 2


def test_an_admin_sees_each_refused_row_and_the_draft_stays_as_it_was(staff, draft):
    table = spreadsheets.edition_table(draft.pk)
    _set(table, "pillar", "payments", "weight", 2)
    bad = _set(table, "citation", "live-streaming", "category", "toys", ref=1)
    url = reverse("admin:assessments_edition_import", args=[draft.pk])
    before = _snapshot(draft)
    response = staff.post(url, {"file": _upload(table), "import": "Import"})
    assert any("Nothing imported: 1 row(s) refused" in m for m in _shown(response))
    assert response.context["report"].refusals[0].row == table.index(bad) + 1
    assert "There is no category &#x27;toys&#x27;" in response.content.decode()
    assert _snapshot(draft) == before


def test_a_published_edition_has_no_import_page(staff, edition):
    url = reverse("admin:assessments_edition_import", args=[edition.pk])
    assert staff.get(url).status_code == 403


def test_the_example_file_in_the_repository_matches_the_first_edition(draft):
    path = Path(spreadsheets.__file__).parent / "seed" / "benchmark_spreadsheet_example.csv"
    rows = spreadsheets.read(path.read_bytes(), path.name)
    report = edition_import.edition_import(draft=draft, rows=rows, dry_run=True)
    assert report.refusals == [] and report.changes == []
