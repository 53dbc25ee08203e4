"""The next report's check of the actions marked done: did the practice move, and by how much."""

from __future__ import annotations

import pytest

from assessments import actions, services
from assessments.core.planner import best_answer
from assessments.demo import answers_at
from assessments.models import Assessment

pytestmark = pytest.mark.django_db
RAISED, STILL = "messaging-account", "in-app-payment"


def submit(spec, brand, beauty, manager, capture, raise_keys=()) -> Assessment:
    answers = answers_at(spec, 0.3)
    for key in raise_keys:
        for question in spec.questions_for(key):
            answers[question.key] = best_answer(question)[0]
    with capture(execute=True):
        a = services.assessment_create(
            brand=brand, category=beauty, user=manager, answers=answers, submit=True
        )
    return Assessment.objects.with_report().get(pk=a.pk)


def done(brand, manager, key):
    action = actions.action_create(brand=brand, user=manager, fields={"practice_key": key})
    return actions.action_update(
        action=action, user=manager, fields={"status": "done"}, expected_version=None
    )


def test_the_next_report_shows_what_each_done_action_brought_and_flags_what_did_not_move(
    client, spec, brand, beauty, manager, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    earlier_done = done(brand, manager, STILL)  # done before the first assessment: not checked
    first = submit(spec, brand, beauty, manager, capture)
    moved, idle = done(brand, manager, RAISED), done(brand, manager, STILL)
    second = submit(spec, brand, beauty, manager, capture, raise_keys=[RAISED])
    client.force_login(manager)
    html = client.get(f"/assessments/{second.pk}/report/").content.decode()
    part = html[html.index('<section class="done-actions"') :].split("</section>", 1)[0]
    assert part.count("<li") == 2
    assert moved.title in part and idle.title in part
    gained = second.result.readiness_index - first.result.readiness_index
    assert f"<strong>+{gained:.1f}</strong> index points" in part
    assert "marked done, but the practice did not move" in part
    assert earlier_done.pk not in {moved.pk, idle.pk}
    # The first report checks the action done before it (against no earlier assessment).
    first_html = client.get(f"/assessments/{first.pk}/report/").content.decode()
    assert first_html.count("marked done, but the practice did not move") == 0
    assert "Actions marked done since the previous assessment" in first_html


def test_a_report_without_done_actions_has_no_such_section(
    client, brand, manager, spec, beauty, django_capture_on_commit_callbacks
):
    a = submit(spec, brand, beauty, manager, django_capture_on_commit_callbacks)
    client.force_login(manager)
    assert 'class="done-actions"' not in client.get(f"/assessments/{a.pk}/report/").content.decode()


def test_the_check_takes_the_same_queries_for_one_or_many_done_actions(
    client, spec, brand, beauty, manager, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    capture = django_capture_on_commit_callbacks
    submit(spec, brand, beauty, manager, capture)
    done(brand, manager, RAISED)
    one = submit(spec, brand, beauty, manager, capture)
    for key in [STILL, RAISED, STILL, "live-streaming"]:
        done(brand, manager, key)
    many = submit(spec, brand, beauty, manager, capture)
    client.force_login(manager)

    def queries(a) -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/assessments/{a.pk}/report/")
        return len(ctx)

    assert queries(one) == queries(many)
