"""`manage.py publish_edition`: the admin's services for operators who script them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments import publishing
from assessments.models import Assessment, Edition, EditionJob, Practice, Result

pytestmark = pytest.mark.django_db


def run(*args: object) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("publish_edition", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def draft(edition) -> Edition:
    return publishing.edition_copy(edition=edition, label="2018 draft")


def test_it_publishes_a_draft(edition, draft):
    out, _ = run(draft.pk)
    assert "Published 2018 draft" in out
    assert Edition.objects.current() == draft


def test_it_rescores_in_chunks_with_a_progress_bar(draft, scored_assessment):
    out, err = run(draft.pk, "--rescore", "--chunk-size", 1)
    assert "Rescored 1 of 1 assessments on 2018 draft" in out
    assert "1/1" in err  # tqdm's bar
    job = EditionJob.objects.get(edition=draft, kind="rescore")
    assert (job.chunk_size, job.status) == (1, "finished")
    assert Assessment.objects.get(pk=scored_assessment.pk).result.edition_id == draft.pk
    assert Result.objects.filter(assessment=scored_assessment).count() == 2


def test_it_refuses_an_invalid_draft_with_what_to_fix(draft):
    Practice.objects.filter(edition=draft, pillar__key="payments").update(weight=0)
    with pytest.raises(CommandError, match="Pillar 'payments' has no practice"):
        run(draft.pk)


def test_it_refuses_a_published_edition_without_rescore_and_an_unknown_id(edition):
    with pytest.raises(CommandError, match="already published"):
        run(edition.pk)
    with pytest.raises(CommandError, match="no edition 999"):
        run(999)
