"""Skip logic on a published edition: the step page, the saved draft, the API and the admin."""

from __future__ import annotations

import pytest

from assessments import edition_specs as editions
from assessments import services
from assessments.admin.edition_rows import QuestionForm
from assessments.models import Assessment, Question
from assessments.tests.factories import AssessmentFactory
from assessments.tests.test_web_questionnaire import messaging_post, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def skip_logic(edition):
    """Posting frequency is asked only when the brand has a messaging account."""
    Question.objects.filter(edition=edition, key="msg-post-frequency").update(
        shown_if_question="msg-account", shown_if_values=["dormant", "active"]
    )
    editions._published_edition_spec.cache_clear()
    yield
    editions._published_edition_spec.cache_clear()


@pytest.fixture
def draft(brand, manager, edition) -> Assessment:
    return AssessmentFactory(brand=brand, created_by=manager)


@pytest.fixture
def web(client, manager):
    client.force_login(manager)
    return client


def test_the_step_page_hides_the_question_until_the_answer_allows_it(web, draft, skip_logic):
    html = web.get(step_url(draft)).content.decode()
    assert 'id="q-msg-post-frequency" data-shown-if="msg-account"' in html
    assert 'data-shown-values="[&quot;dormant&quot;, &quot;active&quot;]" hidden' in html
    services.assessment_save_answers(
        assessment=draft, answers={"msg-account": "active"}, expected_version=0
    )
    html = web.get(step_url(draft)).content.decode()
    assert 'data-shown-values="[&quot;dormant&quot;, &quot;active&quot;]" aria-describedby' in html


def test_a_hidden_questions_answer_is_cleared_when_the_answer_it_depends_on_changes(
    web, draft, spec, skip_logic
):
    services.assessment_save_answers(
        assessment=draft,
        answers={"msg-account": "active", "msg-post-frequency": "weekly"},
        expected_version=0,
    )
    # A page without script still posts the frequency: it is dropped, not refused.
    post = messaging_post(spec, 1, **{"msg-account": "none", "msg-post-frequency": "weekly"})
    assert web.post(step_url(draft), post).status_code == 302
    saved = services.assessment_answers(draft)
    assert saved["msg-account"] == "none"
    assert "msg-post-frequency" not in saved


def test_the_review_and_submit_do_not_ask_hidden_questions(web, draft, spec, skip_logic):
    from assessments.demo import answers_at

    answers = answers_at(spec, 0.0)  # "none": no account, so no frequency question
    del answers["msg-post-frequency"]
    services.assessment_save_answers(assessment=draft, answers=answers, expected_version=0)
    html = web.get(f"/assessments/{draft.pk}/review/").content.decode()
    assert "All 29 questions are answered" in html
    services.assessment_submit(assessment=draft, user=draft.created_by)


def test_an_admin_edits_skip_logic_with_the_question(edition, rf):
    from django.contrib import admin

    from assessments.tests.factories import AdminFactory

    request = rf.get("/")
    request.user = AdminFactory()
    question = Question.objects.get(edition=edition, key="msg-post-frequency")
    form_class = admin.site._registry[Question].get_form(request, question)
    assert issubclass(form_class, QuestionForm)
    form = form_class(instance=question)
    assert "shown_if_question" in form.fields and "shown_if_values" in form.fields
    field = form.fields["shown_if_values"]
    assert field.clean("dormant, active") == ["dormant", "active"]
    assert field.prepare_value(["dormant", "active"]) == "dormant, active"
