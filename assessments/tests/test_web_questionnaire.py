"""The questionnaire in the browser: steps saved as drafts, resume, conflicts, errors, submit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from assessments import services
from assessments.demo import answers_at
from assessments.models import Assessment
from assessments.tests.factories import (
    AdminFactory,
    AssessmentFactory,
    BrandFactory,
    consultant_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(brand, manager, edition) -> Assessment:
    return AssessmentFactory(brand=brand, created_by=manager)


@pytest.fixture
def web(client, manager) -> Client:
    client.force_login(manager)
    return client


def step_url(assessment, step="messaging"):
    return f"/assessments/{assessment.pk}/steps/{step}/"


def messaging_post(spec, version, **changes):
    """A complete, valid post of the messaging step built from the edition's own choices."""
    data = {"version": str(version)}
    for q in spec.questions:
        if q.pillar == "messaging":
            data[q.key] = "80" if q.type == "percent" else q.choices[-1].value
    return data | changes


def test_starting_preselects_the_brands_default_category(web, brand, beauty):
    page = web.get(f"/assessments/new/?brand={brand.pk}")
    html = page.content.decode()
    assert f'<option value="{beauty.pk}" selected>' in html
    assert f'<option value="{brand.pk}" selected>' in html
    assert f'"{brand.pk}": {beauty.pk}' in html  # picking another brand picks its category


def test_starting_an_assessment_opens_the_first_step(web, brand, beauty):
    response = web.post("/assessments/new/", {"brand": brand.pk, "category": beauty.pk})
    assessment = Assessment.objects.get(brand=brand)
    assert response.status_code == 302
    assert response.url == step_url(assessment, "messaging")
    assert assessment.status == Assessment.Status.DRAFT


def test_a_manager_cannot_start_an_assessment_for_a_brand_they_do_not_manage(web, beauty):
    other = BrandFactory()
    response = web.post("/assessments/new/", {"brand": other.pk, "category": beauty.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.filter(brand=other).exists()


def test_a_step_shows_progress_the_benchmark_behind_each_question_and_na(web, draft):
    html = web.get(step_url(draft, "live-streaming")).content.decode()
    assert "Step 4 of 6" in html
    assert "0 of 30 questions answered" in html
    # The Beauty figure, since the assessment is for Beauty, with its source and year.
    assert "69% of Beauty brands in L2&#x27;s Index live stream content — Annex Cloud blog" in html
    assert f"(2017, {timezone.now().year - 2017} years old)" in html
    assert 'value="n/a"' in html  # ls-kol allows N/A
    assert '<fieldset class="question" id="q-ls-frequency"' in html
    assert "<legend>How often does the brand live stream?</legend>" in html


def test_a_step_falls_back_to_the_all_category_figure_for_another_category(web, brand, manager):
    from assessments.models import Category

    cpg = AssessmentFactory(
        brand=brand, created_by=manager, category=Category.objects.get(slug="cpg")
    )
    html = web.get(step_url(cpg, "live-streaming")).content.decode()
    assert "69% of Beauty brands" not in html
    assert "China benchmark" in html


def test_saving_a_step_stores_the_draft_and_moves_on(web, draft, spec):
    response = web.post(step_url(draft), messaging_post(spec, 0))
    assert response.status_code == 302
    assert response.url == step_url(draft, "payments")
    draft.refresh_from_db()
    assert draft.version == 1
    assert draft.resume_step == "payments"
    saved = services.assessment_answers(draft)
    assert saved["msg-response-share"] == 80.0
    assert len(saved) == 6


def test_na_is_saved_as_not_applicable(web, draft, spec):
    data = messaging_post(spec, 0, **{"msg-response-share": "", "msg-response-share--na": "on"})
    web.post(step_url(draft), data)
    assert services.assessment_answers(draft)["msg-response-share"] is None
    html = web.get(step_url(draft)).content.decode()
    assert 'name="msg-response-share--na" id="id_msg-response-share--na" checked' in html


def test_coming_back_later_resumes_at_the_step_where_the_manager_stopped(
    client, manager, draft, spec
):
    client.force_login(manager)
    client.post(step_url(draft), messaging_post(spec, 0))
    client.post(step_url(draft, "payments"), {"version": "1", "action": "later"})
    client.logout()

    other_browser = Client()
    other_browser.force_login(manager)
    response = other_browser.get(f"/assessments/{draft.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == step_url(draft, "payments")
    back = other_browser.get(step_url(draft)).content.decode()
    assert 'value="80"' in back  # the earlier step's answers are there


def test_a_validation_error_keeps_what_was_typed_and_saves_nothing(web, draft, spec):
    data = messaging_post(spec, 0, **{"msg-response-share": "140"})
    response = web.post(step_url(draft), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html
    assert 'href="#id_msg-response-share"' in html
    assert "Enter a percentage from 0 to 100." in html
    assert 'value="140"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="hint-msg-response-share error-msg-response-share"' in html
    # The valid answers of the same post stay checked, not lost.
    assert f'value="{data["msg-account"]}" id="id_msg-account_2" checked' in html
    assert services.assessment_answers(draft) == {}
    draft.refresh_from_db()
    assert draft.version == 0


def test_a_save_from_an_older_page_is_a_conflict_that_shows_both_answers(web, draft, spec):
    services.assessment_save_answers(
        assessment=draft, answers={"msg-response-share": 10}, expected_version=0
    )
    response = web.post(step_url(draft), messaging_post(spec, 0))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this assessment" in html
    assert "Saved last: <strong>10%</strong>" in html
    assert 'value="80"' in html  # what this user typed is still in the field
    assert 'name="version" value="1"' in html  # saving again is a deliberate overwrite
    assert services.assessment_answers(draft) == {"msg-response-share": 10}
    again = web.post(step_url(draft), messaging_post(spec, 1))
    assert again.status_code == 302
    assert services.assessment_answers(draft)["msg-response-share"] == 80.0


@pytest.mark.parametrize(
    "tampering",
    [
        {"not-a-question": "yes"},
        {"pay-in-app": "yes"},  # a real question, but of another step
        {"version": "banana"},
        {"version": ""},
    ],
)
def test_a_tampered_step_post_is_refused_and_the_draft_is_kept(web, draft, spec, tampering):
    services.assessment_save_answers(
        assessment=draft, answers={"msg-account": "dormant"}, expected_version=0
    )
    response = web.post(step_url(draft), messaging_post(spec, 1) | tampering)
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert services.assessment_answers(draft) == {"msg-account": "dormant"}


def test_a_value_outside_the_choices_is_refused_beside_its_field(web, draft, spec):
    response = web.post(step_url(draft), messaging_post(spec, 0, **{"msg-account": "maybe"}))
    assert response.status_code == 400
    assert "Choose one of the options listed." in response.content.decode()
    assert services.assessment_answers(draft) == {}


def test_a_step_that_does_not_exist_is_not_found(web, draft):
    assert web.get(step_url(draft, "telepathy")).status_code == 404
    assert web.post(step_url(draft, "telepathy"), {"version": "0"}).status_code == 404


def test_another_brands_assessment_is_not_found(web):
    theirs = AssessmentFactory()
    for url in [
        f"/assessments/{theirs.pk}/",
        step_url(theirs),
        f"/assessments/{theirs.pk}/review/",
        f"/assessments/{theirs.pk}/status/",
        f"/assessments/{theirs.pk}/report/",
    ]:
        assert web.get(url).status_code == 404, url
    assert web.post(step_url(theirs), {"version": "0"}).status_code == 404
    assert web.post(f"/assessments/{theirs.pk}/submit/").status_code == 404


def test_consultants_see_but_do_not_answer_the_questionnaire(client, draft, brand, spec):
    client.force_login(consultant_for(brand))
    assert client.get(step_url(draft)).status_code == 403
    assert client.post(step_url(draft), messaging_post(spec, 0)).status_code == 403
    assert client.get(f"/assessments/{draft.pk}/status/").status_code == 200
    assert services.assessment_answers(draft) == {}


def test_admins_see_every_assessment_but_the_questionnaire_is_for_managers(client, draft):
    client.force_login(AdminFactory())
    assert client.get(f"/assessments/{draft.pk}/status/").status_code == 200
    assert client.get(step_url(draft)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    response = client.get(step_url(draft))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_the_step_form_needs_a_csrf_token(manager, draft, spec):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    assert strict.post(step_url(draft), messaging_post(spec, 0)).status_code == 403
    assert strict.post(f"/assessments/{draft.pk}/submit/").status_code == 403
    assert services.assessment_answers(draft) == {}
    page = strict.get(step_url(draft))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


def test_a_submitted_assessment_can_no_longer_be_edited(web, draft, spec, manager):
    services.assessment_save_answers(
        assessment=draft, answers=answers_at(spec, 0.5), expected_version=None
    )
    services.assessment_submit(assessment=draft, user=manager)
    before = services.assessment_answers(draft)
    response = web.post(step_url(draft), messaging_post(spec, 1), follow=True)
    html = response.content.decode()
    assert "can no longer be changed" in html
    assert services.assessment_answers(draft) == before


def test_the_review_lists_every_answer_and_what_is_still_unanswered(web, draft, spec):
    web.post(step_url(draft), messaging_post(spec, 0))
    html = web.get(f"/assessments/{draft.pk}/review/").content.decode()
    assert "24 of 30 questions still unanswered" in html
    assert "80%" in html
    assert f'href="{step_url(draft, "payments")}#q-pay-in-app"' in html
    assert "disabled>Submit for scoring" in html  # until every question is answered


def test_submitting_an_incomplete_draft_is_refused_on_the_review_page(web, draft):
    response = web.post(f"/assessments/{draft.pk}/submit/")
    assert response.status_code == 400
    assert "The assessment was not submitted" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


def test_submitting_a_complete_draft_scores_it_and_leads_to_the_report(
    web, draft, spec, django_capture_on_commit_callbacks
):
    services.assessment_save_answers(
        assessment=draft, answers=answers_at(spec, 0.5), expected_version=None
    )
    html = web.get(f"/assessments/{draft.pk}/review/").content.decode()
    assert "All 30 questions are answered" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(f"/assessments/{draft.pk}/submit/")
    assert response.url == f"/assessments/{draft.pk}/status/"
    assert web.get(response.url).url == f"/assessments/{draft.pk}/report/"


def test_a_step_is_read_in_a_fixed_number_of_queries(web, draft, spec, django_assert_num_queries):
    web.get(step_url(draft))  # warm the published edition's cache
    # session, user, assessment, edition status, saved answers, questions, choices, citations
    with django_assert_num_queries(8):
        web.get(step_url(draft, "messaging"))
    with django_assert_num_queries(8):
        web.get(step_url(draft, "payments"))
