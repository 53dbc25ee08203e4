"""Two admins publish at once on PostgreSQL: one new current edition, a message for the other.

Each thread has its own connection and transaction, so the row locks really meet; SQLite has no
row locks, hence the postgres_url fixture (skips without PostgreSQL, fails in CI).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from assessments import publishing
from assessments.models import Edition

# serialized_rollback: each test starts from the seeded edition, although the test before it
# ended with a flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module", autouse=True)
def _seed_back_for_later_tests(django_db_blocker):
    """Put the seeded edition back after this module's last flush, for the tests that follow.

    Module scope: this teardown runs after the flush that ends the module's last test.
    """
    yield
    with django_db_blocker.unblock():
        if not Edition.objects.exists():
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def publish_together(edition_ids: list[int], expected_current_id: int) -> list[object]:
    barrier = threading.Barrier(len(edition_ids))
    outcomes: list[object] = [None] * len(edition_ids)

    def publish(slot: int, edition_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[slot] = publishing.edition_publish(
                edition_id=edition_id, expected_current_id=expected_current_id
            )
        except Exception as exc:
            outcomes[slot] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=publish, args=(slot, pk)) for slot, pk in enumerate(edition_ids)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_admins_publishing_two_drafts_end_with_one_new_current_edition(postgres_url):
    current = Edition.objects.current()
    seeded = Edition.objects.filter(status="published").count()
    drafts = [publishing.edition_copy(edition=current, label=f"draft {n}") for n in (1, 2)]

    outcomes = publish_together([d.pk for d in drafts], current.pk)

    published = [o for o in outcomes if isinstance(o, Edition)]
    refused = [o for o in outcomes if isinstance(o, publishing.EditionRefused)]
    assert len(published) == 1 and len(refused) == 1, outcomes
    assert "Another admin published" in str(refused[0])
    assert list(Edition.objects.filter(is_current=True)) == published
    assert Edition.objects.filter(status="published").count() == seeded + 1  # and the winner


def test_two_admins_publishing_the_same_draft_publish_it_once(postgres_url):
    current = Edition.objects.current()
    draft = publishing.edition_copy(edition=current, label="draft")

    outcomes = publish_together([draft.pk, draft.pk], current.pk)

    refused = [o for o in outcomes if isinstance(o, publishing.EditionRefused)]
    assert sum(isinstance(o, Edition) for o in outcomes) == 1 and len(refused) == 1, outcomes
    assert "already published" in str(refused[0])
    assert Edition.objects.current() == draft
    assert Edition.history.filter(id=draft.pk, status="published").count() == 1
