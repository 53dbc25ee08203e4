"""The draft's workspace: every row on one page with its current problems and an edit link."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments import publishing
from assessments.models import Choice, Citation, Edition, Practice, Question
from assessments.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(AdminFactory(username="root"))
    return client


@pytest.fixture
def draft(edition) -> Edition:
    return publishing.edition_copy(edition=edition, label="2018 draft")


def _row_of(content: str, marker: str) -> str:
    """The table row (or module) of the page that contains marker."""
    rows = re.split(r"<tr class=\"practice", content)
    return next(row.split("</tr>")[0] for row in rows if marker in row)


def test_the_workspace_lists_every_row_with_an_edit_link(
    staff, draft, django_assert_max_num_queries
):
    url = reverse("admin:assessments_edition_workspace", args=[draft.pk])
    with django_assert_max_num_queries(30):
        content = staff.get(url).content.decode()
    assert "No problems: the draft can be previewed and published." in content
    for practice in Practice.objects.filter(edition=draft):
        assert reverse("admin:assessments_practice_change", args=[practice.pk]) in content
    for question in Question.objects.filter(edition=draft):
        assert reverse("admin:assessments_question_change", args=[question.pk]) in content
    assert "Messaging" in content and "Live streaming" in content
    assert f"{reverse('admin:assessments_practice_add')}?edition={draft.pk}" in content


def test_each_problem_shows_on_its_row_at_once(staff, draft):
    Question.objects.filter(practice__edition=draft, practice__key="kol-streams").delete()
    figure = Citation.objects.filter(
        practice__edition=draft,
        practice__key="live-streaming",
        use="benchmark",
        percent__isnull=False,
    ).first()
    Citation.objects.create(
        practice=figure.practice,
        category=figure.category,
        percent=10,
        statement="Again",
        population="Brands",
        population_kind="brands",
        publisher="Another publisher",
        title="Another study",
        year=2018,
    )
    question = Question.objects.filter(edition=draft, practice__key="live-commerce").first()
    Choice.objects.filter(question=question).delete()
    content = staff.get(reverse("admin:assessments_edition_workspace", args=[draft.pk])).content
    content = content.decode()
    assert "3 problems to fix before publishing" in content
    assert "has no question" in _row_of(content, "<code>kol-streams</code>")
    assert "2 benchmark percentages" in _row_of(content, "<code>live-streaming</code>")
    assert f"{question.key!r} has no choices".replace("'", "&#x27;") in _row_of(
        content, "<code>live-commerce</code>"
    )


def test_the_workspace_of_a_published_edition_is_read_only(staff, edition):
    content = staff.get(reverse("admin:assessments_edition_workspace", args=[edition.pk]))
    assert "published and read-only" in content.content.decode()
    assert "Add a practice" not in content.content.decode()


def test_the_edition_page_links_to_its_workspace(staff, draft):
    page = staff.get(reverse("admin:assessments_edition_change", args=[draft.pk])).content
    assert reverse("admin:assessments_edition_workspace", args=[draft.pk]) in page.decode()


def test_the_workspace_reads_in_chinese_for_a_chinese_admin(staff, draft):
    url = reverse("admin:assessments_edition_workspace", args=[draft.pk])
    content = staff.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "添加举措" in content and "没有待修正之处：草稿可以预览和发布。" in content
