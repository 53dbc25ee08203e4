"""A draft's rows stay its own: parents of one edition, every language copied, problems shown."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from assessments import publishing
from assessments.models import Edition, Pillar, Practice, Question
from assessments.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return AdminFactory(username="root")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def draft(edition, admin_user) -> Edition:
    return publishing.edition_copy(edition=edition, user=admin_user, label="2018 draft")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _practice_form(draft, pillar, key="new-practice") -> dict:
    return {
        "edition": draft.pk,
        "pillar": pillar.pk,
        "key": key,
        "title_en": "A new practice",
        "recommendation_en": "Do it.",
        "effort": 2,
        "weight": "1",
        "position": 0,
        **{
            f"{prefix}-{name}": value
            for prefix in ("citations", "questions")
            for name, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    }


def test_a_practice_under_another_editions_pillar_is_refused_by_the_model(edition, draft):
    published = Pillar.objects.get(edition=edition, key="messaging")
    practice = Practice.objects.filter(edition=draft).first()
    practice.pillar = published
    with pytest.raises(ValidationError) as refused:
        practice.full_clean()
    assert "another edition" in refused.value.message_dict["pillar"][0]


def test_a_question_under_another_editions_practice_is_refused_by_the_model(edition, draft):
    question = Question.objects.filter(edition=draft).first()
    question.practice = Practice.objects.filter(edition=edition).first()
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert "practice" in refused.value.message_dict


@pytest.mark.skipif(connection.vendor != "postgresql", reason="composite keys need PostgreSQL")
@pytest.mark.parametrize("model, parent", [(Practice, "pillar"), (Question, "practice")])
def test_the_database_refuses_a_parent_of_another_edition(edition, draft, model, parent):
    row = model.objects.filter(edition=draft).first()
    other = getattr(row, parent)._meta.model.objects.filter(edition=edition).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        model.objects.filter(pk=row.pk).update(**{parent: other})


def test_the_admin_refuses_a_draft_practice_under_a_published_pillar(staff, edition, draft):
    published = Pillar.objects.get(edition=edition, key="messaging")
    response = staff.post(
        reverse("admin:assessments_practice_add"), _practice_form(draft, published)
    )
    assert response.status_code == 200
    assert "pillar" in response.context["adminform"].form.errors
    assert not Practice.objects.filter(key="new-practice").exists()


def test_the_pillar_dropdown_lists_only_the_rows_own_edition(staff, edition, draft):
    practice = Practice.objects.filter(edition=draft).first()
    response = staff.get(reverse("admin:assessments_practice_change", args=[practice.pk]))
    choices = response.context["adminform"].form.fields["pillar"].queryset
    assert set(choices.values_list("edition_id", flat=True)) == {draft.pk}


def test_the_add_form_names_each_drafts_pillar_with_its_edition(staff, edition, draft):
    response = staff.get(reverse("admin:assessments_practice_add"))
    field = response.context["adminform"].form.fields["pillar"]
    labels = [label for _, label in field.choices if label != "---------"]
    assert labels and all(label.endswith("(2018 draft)") for label in labels)
    assert set(field.queryset.values_list("edition__status", flat=True)) == {"draft"}


def test_the_add_form_of_a_drafts_page_offers_only_that_drafts_pillars(staff, edition, draft):
    url = reverse("admin:assessments_practice_add") + f"?edition={draft.pk}"
    form = staff.get(url).context["adminform"].form
    assert set(form.fields["pillar"].queryset.values_list("edition_id", flat=True)) == {draft.pk}
    assert form.initial["edition"] == str(draft.pk)


def test_copy_keeps_every_language_of_every_text(edition, admin_user):
    Edition.objects.filter(pk=edition.pk).update(notes_en="Notes", notes_zh_hans="说明")
    edition.refresh_from_db()
    draft = publishing.edition_copy(edition=edition, user=admin_user, label="copy")
    draft.refresh_from_db()
    assert (draft.notes_en, draft.notes_zh_hans) == ("Notes", "说明")
    pillar = Pillar.objects.get(edition=draft, key="messaging")
    original = Pillar.objects.get(edition=edition, key="messaging")
    assert pillar.name_zh_hans == original.name_zh_hans and pillar.name_zh_hans


def test_saving_a_draft_row_reports_the_drafts_problems_at_once(staff, draft):
    pillar = Pillar.objects.get(edition=draft, key="messaging")
    response = staff.post(
        reverse("admin:assessments_practice_add"), _practice_form(draft, pillar), follow=True
    )
    assert Practice.objects.filter(edition=draft, key="new-practice").exists()
    shown = _messages(response)
    assert any("problem(s) to fix before publishing" in m for m in shown)
    assert any("'new-practice' has no question" in m for m in shown)


def test_opening_a_draft_row_shows_its_problems(staff, draft):
    practice = Practice.objects.filter(edition=draft).first()
    Question.objects.filter(practice=practice).delete()
    response = staff.get(reverse("admin:assessments_practice_change", args=[practice.pk]))
    assert any(f"{practice.key!r} has no question" in m for m in _messages(response))


def test_the_drafts_page_lists_its_problems(staff, draft):
    Practice.objects.filter(edition=draft, pillar__key="payments").update(weight=0)
    page = staff.get(reverse("admin:assessments_edition_change", args=[draft.pk]))
    content = page.content.decode()
    assert "To fix before publishing" in content
    assert "Pillar &#x27;payments&#x27; has no practice with a positive weight" in content
