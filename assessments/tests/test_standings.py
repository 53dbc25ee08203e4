"""A category's standing (assessments/standings.py) gives the peers a direct count gives.

Each test changes the scored assessments one way (scoring, rescoring, a move, a delete, a raw
update), then holds the standing's counts, for every scored assessment and for indexes between
and beyond them, to the counts of the peers themselves.
"""

from __future__ import annotations

import pytest
from django.db import connection

from assessments import publishing, services, standings
from assessments.models import Assessment, Category
from assessments.report_data import percentile
from assessments.tests.factories import AssessmentFactory, BrandFactory, scored_assessment
from conftest import require

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql():
    require(connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database")


@pytest.fixture
def scored(beauty, django_capture_on_commit_callbacks):
    def score(brand, maturity: float, category: Category | None = None) -> Assessment:
        return scored_assessment(
            brand=brand,
            category=category or beauty,
            maturity=maturity,
            capture=django_capture_on_commit_callbacks,
        )

    return score


@pytest.fixture
def peers(scored) -> list[Assessment]:
    """Six brands, two of them tied, one with two assessments."""
    first = BrandFactory()
    assessments = [scored(first, 0.2), scored(first, 0.6)]
    for maturity in (0.1, 0.4, 0.4, 0.8, 1.0):
        assessments.append(scored(BrandFactory(), maturity))
    return assessments


def counts_agree() -> None:
    scored = Assessment.objects.filter(status=Assessment.Status.SCORED).select_related("result")
    rows = list(scored)
    assert rows, "no scored assessment to compare"
    indexes = sorted({a.result.readiness_index for a in rows})
    probes = [*indexes, indexes[0] - 1, indexes[-1] + 1, (indexes[0] + indexes[-1]) / 2]
    for assessment in rows:
        for index in probes:
            keys = {"category_id": assessment.category_id, "brand_id": assessment.brand_id}
            expected = standings._counted(index=index, **keys)
            assert standings.peer_counts(index=index, **keys) == expected, (assessment.pk, index)


def test_a_percentile_counts_ties_half_and_leaves_the_brand_itself_out(peers):
    tied = peers[3]
    peer = standings.peer_counts(
        category_id=tied.category_id, brand_id=tied.brand_id, index=tied.result.readiness_index
    )
    # Six other assessments of five other brands: two below (0.2, 0.1), one tied (0.4).
    assert (peer.brands, peer.total, peer.below, peer.equal) == (5, 6, 2, 1)
    assert percentile(tied) == pytest.approx(100 * 2.5 / 6)
    counts_agree()


def test_new_scorings_and_a_new_category_are_counted(peers, scored):
    counts_agree()
    scored(peers[0].brand, 0.9)
    scored(BrandFactory(), 0.4)
    scored(BrandFactory(), 0.5, category=Category.objects.exclude(slug="beauty").first())
    counts_agree()


def test_a_rescoring_on_a_new_edition_is_counted(
    peers, edition, admin_user, django_capture_on_commit_callbacks
):
    counts_agree()
    draft = publishing.edition_copy(edition=edition, user=admin_user, label="2018 draft")
    pillar = draft.pillars.first()
    pillar.weight += 3
    pillar.save()
    published = publishing.edition_publish(edition_id=draft.pk)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.rescore_start(edition=published, chunk_size=2)
    assert Assessment.objects.filter(result__edition=published).count() == 6
    counts_agree()


def test_a_move_a_delete_and_a_raw_update_are_counted(peers, scored):
    counts_agree()
    Assessment.objects.filter(pk=peers[2].pk).update(
        category=Category.objects.exclude(slug="beauty").first()
    )
    counts_agree()
    peers[4].brand.delete()
    counts_agree()
    other = scored(peers[5].brand, 0.3)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_assessment SET result_id = %s WHERE id = %s",
            [other.result_id, peers[5].pk],
        )
    counts_agree()


def test_a_drafts_saves_log_no_change(peers, beauty):
    counts_agree()  # every standing fresh
    draft = AssessmentFactory(brand=peers[0].brand, category=beauty)
    services.assessment_save_answers(
        assessment=draft, answers={}, user=draft.created_by, expected_version=draft.version
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM assessments_standing_change")
        assert cursor.fetchone()[0] == 0


def test_a_percentile_is_one_query_whether_its_standing_is_fresh_or_not(
    peers, scored, django_assert_num_queries
):
    mine = peers[1]
    keys = {"category_id": mine.category_id, "brand_id": mine.brand_id}
    for _ in range(2):
        scored(BrandFactory(), 0.7)  # stale first, then fresh
        with django_assert_num_queries(1):
            standings.peer_counts(index=mine.result.readiness_index, **keys)
        with django_assert_num_queries(1):
            standings.peer_counts(index=mine.result.readiness_index, **keys)


def test_a_truncate_empties_every_standing(peers):
    counts_agree()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check left to run
        cursor.execute("TRUNCATE assessments_assessment CASCADE")
        cursor.execute("SELECT count(*) FROM assessments_category_standing")
        assert cursor.fetchone()[0] == 0
