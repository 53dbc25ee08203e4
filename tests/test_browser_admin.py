"""An analyst's whole benchmark job in a real browser: draft, workspace, edit, spreadsheet,
preview, publish. Screenshots of each page go to test-artifacts/ (admin-*.png).

Chromium is the system one, as in tests/test_browser.py, whose fixtures this test shares. The
preview runs in the request (one scored assessment, under IMPACT_PREVIEW_SYNC_LIMIT) and the
rescoring is left unticked, so no worker is needed.
"""

from __future__ import annotations

import re

import pytest

from assessments import spreadsheets
from assessments.models import Category, Edition, Pillar
from assessments.tests.factories import AdminFactory, BrandFactory, scored_assessment
from tests.test_browser import ARTIFACTS, PASSWORD

# The browser test's fixtures: the system Chromium, and the live server's sessions ended after.

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-{name}.png"), full_page=True)


def test_an_analyst_drafts_edits_imports_previews_and_publishes_an_edition(
    live_server, tidy_connections, browser, django_capture_on_commit_callbacks, tmp_path
):
    base = live_server.url
    AdminFactory(username="analyst")
    scored_assessment(
        brand=BrandFactory(),
        category=Category.objects.get(slug="beauty"),
        maturity=0.5,
        capture=django_capture_on_commit_callbacks,
    )
    current = Edition.objects.current()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # A draft of the current edition, then its workspace.
    page.goto(f"{base}/admin/assessments/edition/{current.pk}/change/")
    page.get_by_role("button", name="Create a draft from this edition").click()
    page.wait_for_url(re.compile(r".*/edition/\d+/change/$"))
    # The 2026 edition (migrate) is based on the first edition too: the draft is the one draft.
    draft = Edition.objects.get(based_on=current, status=Edition.Status.DRAFT)
    page.get_by_role("link", name="Workspace").click()
    assert page.get_by_text("No problems: the draft can be previewed and published.").is_visible()
    _shot(page, "workspace")

    # Edit a practice from the workspace, with a reason; the save reports the draft's state.
    page.locator("tr.practice:has(code:text-is('live-streaming')) td a").first.click()
    page.locator("input[name=weight]").fill("3")
    page.locator("input[name=change_reason]").fill("Streams drive sales")
    page.get_by_role("button", name="Save", exact=True).click()
    _shot(page, "practice-saved")
    page.get_by_text(re.compile("was changed successfully")).wait_for()

    # A spreadsheet: a pillar weight changed, checked, then imported.
    table = spreadsheets.edition_table(draft.pk)
    next(r for r in table if r[:2] == ["pillar", "payments"])[3] = 2
    upload = tmp_path / "figures.csv"
    upload.write_bytes(spreadsheets.csv_bytes(table))
    page.goto(f"{base}/admin/assessments/edition/{draft.pk}/import/")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Check (dry run)").click()
    page.get_by_text("nothing written").wait_for()
    _shot(page, "import-check")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported 1 change(s) into the draft.").wait_for()
    assert Pillar.objects.get(edition=draft, key="payments").weight == 2

    # Preview, then publish with a label and a release note.
    page.goto(f"{base}/admin/assessments/edition/{draft.pk}/change/")
    page.get_by_role("button", name="Check and preview impact").click()
    page.wait_for_url(re.compile(r".*/edition/jobs/\d+/$"))
    assert page.locator("#brands").is_visible()
    _shot(page, "preview")
    page.get_by_role("link", name=re.compile("^Publish ")).click()
    assert page.locator("#diff").get_by_text("practice live-streaming").first.is_visible()
    page.get_by_label("Label").fill("2018 China benchmark")
    page.get_by_label("Release note (English)").fill("Live streaming weighs more.")
    page.get_by_label(re.compile("Then rescore")).uncheck()
    _shot(page, "publish")
    page.get_by_role("button", name=re.compile("^Publish ")).click()
    page.get_by_text("is now the current edition").wait_for()
    assert Edition.objects.current().label == "2018 China benchmark"
    _shot(page, "published")
