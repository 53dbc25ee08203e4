"""History that reads: inline edits with their changes and reason, one change log per edition."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import edition_history, publishing
from assessments.models import Citation, Edition, Practice
from assessments.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(AdminFactory(username="root"))
    return client


@pytest.fixture
def draft(edition) -> Edition:
    return publishing.edition_copy(edition=edition, label="2018 draft")


def _post_value(value):
    if value is None:
        return ""
    return getattr(value, "pk", value)


def _form_data(response) -> dict:
    """What the admin's change page posts back unchanged: its form and every inline row."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not False:
            data[form.add_prefix(name)] = _post_value(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, 0)
        for row in formset.forms:
            for name, field in row.fields.items():
                value = row.initial.get(name, field.initial)
                if name == "id":
                    value = row.instance.pk
                if value is not False:
                    data[row.add_prefix(name)] = _post_value(value)
    return {k: v for k, v in data.items() if v is not None}


def test_an_inline_edit_is_recorded_with_its_change_reason_and_author(staff, draft):
    practice = Practice.objects.get(edition=draft, key="live-streaming")
    url = reverse("admin:assessments_practice_change", args=[practice.pk])
    data = _form_data(staff.get(url))
    citation = Citation.objects.filter(practice=practice).order_by("use", "id").first()
    index = next(k for k, v in data.items() if k.endswith("-id") and v == citation.pk)
    prefix = index[: -len("-id")]
    data[f"{prefix}-percent"] = "40"
    data["change_reason"] = "New QuestMobile figure"
    practice_records = practice.history.count()
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = citation.history.first()
    assert record.history_change_reason == "New QuestMobile figure"
    assert str(record.history_user) == "root" and record.percent == Decimal("40")
    # The practice itself did not change: no empty "Changed" entry on it.
    assert practice.history.count() == practice_records

    log = staff.get(reverse("admin:assessments_edition_changes", args=[draft.pk]))
    (entry,) = [e for e in log.context["entries"] if e.kind == "citation"]
    assert ("percent", str(citation.percent), "40.00") in entry.changes
    assert entry.reason == "New QuestMobile figure" and entry.user == "root"
    assert "New QuestMobile figure" in log.content.decode()


def test_a_copy_is_one_line_of_the_change_log(draft):
    entries = edition_history.change_log(draft)
    assert len(entries) == 1
    (copy,) = entries
    assert copy.reason == "Copied from 2017 China benchmark" and int(copy.changes[0][2]) > 50


def test_a_rows_history_links_to_the_change_log_of_its_practice(staff, draft):
    practice = Practice.objects.get(edition=draft, key="live-streaming")
    page = staff.get(reverse("admin:assessments_practice_history", args=[practice.pk]))
    expected = reverse("admin:assessments_edition_changes", args=[draft.pk])
    assert f"{expected}?practice=live-streaming" in page.content.decode()
    practice.weight = 2
    practice._change_reason = "Heavier"
    practice.save()
    other = Practice.objects.get(edition=draft, key="kol-streams")
    other.weight = 3
    other.save()
    narrowed = staff.get(f"{expected}?practice=live-streaming").context["entries"]
    assert [(e.row, e.reason) for e in narrowed] == [
        ("live-streaming", "Heavier"),
        ("2018 draft", "Copied from 2017 China benchmark"),
    ]
