"""Nothing typed is lost: autosave, a save after the session ended, conflicts that say who."""

from __future__ import annotations

import pytest
from django.test import Client

from assessments import services
from assessments.models import Assessment
from assessments.tests.factories import AssessmentFactory, manager_of
from assessments.tests.test_web_questionnaire import messaging_post, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(brand, manager, edition) -> Assessment:
    return AssessmentFactory(brand=brand, created_by=manager)


@pytest.fixture
def web(client, manager) -> Client:
    client.force_login(manager)
    return client


def test_an_autosave_stores_the_answers_and_says_saved(web, draft, spec, manager):
    data = messaging_post(spec, 0, action="autosave")
    response = web.post(step_url(draft), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["version"] == 1
    assert body["message"].startswith("Saved at ")
    assert services.assessment_answers(draft)["msg-response-share"] == 80.0
    draft.refresh_from_db()
    assert draft.updated_by == manager
    assert draft.resume_step == "messaging"


def test_an_invalid_autosave_names_the_field_and_saves_nothing(web, draft, spec):
    data = messaging_post(spec, 0, action="autosave") | {"msg-response-share": "140"}
    response = web.post(step_url(draft), data)
    assert response.status_code == 400
    assert "msg-response-share" in response.json()["errors"]
    assert services.assessment_answers(draft) == {}


def test_a_save_after_the_session_ended_is_kept_and_saved_after_login(client, draft, spec, manager):
    data = messaging_post(spec, 0, action="next")
    response = client.post(step_url(draft), data)
    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")
    assert services.assessment_answers(draft) == {}
    login = client.get(response.url).content.decode()
    assert "You were logged out. Log in again: the answers you typed are kept." in login
    # Logging in keeps the anonymous session's data (Django cycles the key, keeps the content).
    client.force_login(manager)
    page = client.get(step_url(draft), follow=True)
    html = page.content.decode()
    assert "You were logged out before your last answers were saved" in html
    assert services.assessment_answers(draft)["msg-response-share"] == 80.0
    # Only once: the next visit shows the step as usual.
    assert "logged out" not in client.get(step_url(draft)).content.decode()


def test_an_autosave_after_the_session_ended_says_so_and_keeps_the_answers(client, draft, spec):
    data = messaging_post(spec, 0, action="autosave")
    response = client.post(step_url(draft), data)
    assert response.status_code == 401
    assert response.json()["logged_out"] is True
    assert response.json()["login_url"].startswith("/login/?next=")
    assert client.session["kept_answers"]["data"]["msg-response-share"] == ["80"]


def test_a_conflict_with_the_users_own_other_tab_says_so(web, draft, spec, manager):
    services.assessment_save_answers(
        assessment=draft, answers={"msg-response-share": 10}, expected_version=0, user=manager
    )
    html = web.post(step_url(draft), messaging_post(spec, 0)).content.decode()
    assert "You saved this assessment in another tab or window" in html
    assert "Someone else" not in html
    assert "Saved in your other tab: <strong>10%</strong>" in html


def test_a_conflict_names_the_colleague_and_shows_only_the_answers_that_differ(
    web, draft, spec, brand
):
    colleague = manager_of(brand, username="mei", first_name="Mei", last_name="Chen")
    same = messaging_post(spec, 0)
    services.assessment_save_answers(
        assessment=draft,
        answers={"msg-account": same["msg-account"], "msg-response-share": 10},
        expected_version=0,
        user=colleague,
    )
    response = web.post(step_url(draft), same)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Mei Chen saved this assessment in the meantime" in html
    assert "The saved answer differs on" in html
    assert html.count('class="saved-latest"') == len(
        [q for q in spec.questions if q.pillar == "messaging" and q.key != "msg-account"]
    )
    assert "Saved by Mei Chen: <strong>10%</strong>" in html


def test_change_from_the_review_saves_back_to_the_review(web, draft, spec):
    page = web.get(step_url(draft) + "?from=review").content.decode()
    assert "Save and return to review" in page
    response = web.post(step_url(draft) + "?from=review", messaging_post(spec, 0, action="next"))
    assert response.url == f"/assessments/{draft.pk}/review/"
    review = web.get(f"/assessments/{draft.pk}/review/").content.decode()
    assert f'href="/assessments/{draft.pk}/steps/messaging/?from=review"' in review


@pytest.mark.parametrize(
    "typed, saved", [("50%", 50.0), ("40,5", 40.5), ("\uff16\uff10\uff05", 60.0)]
)
def test_a_percentage_is_taken_as_people_type_it(web, draft, spec, typed, saved):
    response = web.post(step_url(draft), messaging_post(spec, 0, **{"msg-response-share": typed}))
    assert response.status_code == 302
    assert services.assessment_answers(draft)["msg-response-share"] == saved


def test_tick_all_that_apply_is_said_once_per_question(web, draft):
    html = web.get(step_url(draft, "payments")).content.decode()
    question = html.split('id="q-pay-methods"')[1].split("</fieldset>")[0]
    assert question.count("Tick all that apply") == 1
    assert "Leave all unticked if none apply." in question


def test_a_draft_has_an_optional_name_and_shows_who_edited_it_last_and_where(
    web, brand, beauty, spec, manager
):
    web.post(
        "/assessments/new/", {"brand": brand.pk, "category": beauty.pk, "name": " Before 11.11 "}
    )
    draft = Assessment.objects.get(brand=brand)
    assert draft.name == "Before 11.11"
    web.post(step_url(draft, "messaging"), messaging_post(spec, 0, action="next"))
    html = web.get("/").content.decode()
    assert "Before 11.11" in html
    assert f"by {manager.get_username()} · continues at Payments" in html


def test_a_manager_deletes_a_draft_after_confirming(web, draft):
    confirm = web.get(f"/assessments/{draft.pk}/delete/")
    assert "This cannot be undone" in confirm.content.decode()
    assert Assessment.objects.filter(pk=draft.pk).exists()  # a GET deletes nothing
    response = web.post(f"/assessments/{draft.pk}/delete/", follow=True)
    assert "The draft was deleted." in response.content.decode()
    assert not Assessment.objects.filter(pk=draft.pk).exists()


def test_a_submitted_assessment_cannot_be_deleted(web, scored_assessment, manager, brand):
    scored_assessment.brand = brand
    scored_assessment.save(update_fields=["brand"])
    response = web.post(f"/assessments/{scored_assessment.pk}/delete/", follow=True)
    assert "A submitted assessment cannot be deleted." in response.content.decode()
    assert Assessment.objects.filter(pk=scored_assessment.pk).exists()


def test_only_the_brands_managers_delete_its_drafts(client, draft, brand):
    from assessments.tests.factories import consultant_for

    client.force_login(consultant_for(brand))
    assert client.post(f"/assessments/{draft.pk}/delete/").status_code == 403
    assert Assessment.objects.filter(pk=draft.pk).exists()
