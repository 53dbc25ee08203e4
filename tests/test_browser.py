"""A brand manager in a real browser, against a live server, with a real Celery worker scoring.

Chromium is the system one (/usr/bin/chromium), never a downloaded build: the test skips when it
is missing outside CI and fails under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from assessments.core.formats import half_width_after_chinese
from assessments.models import Category
from assessments.tests.factories import BrandFactory, manager_of
from tests.processes import ROOT

pytestmark = [
    pytest.mark.e2e,
    # Serialized rollback brings back the seeded benchmark that an earlier live test flushed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "correct-horse-battery"


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def answer_step(page, *, only: int | None = None) -> None:
    """Answer the questions of the current step (the first `only` of them, if given)."""
    questions = page.locator("form.questionnaire .question").all()
    for n, question in enumerate(questions[:only]):
        radios = question.locator("input[type=radio]:not([value='n/a'])")
        boxes = question.locator(".options input[type=checkbox]")
        if radios.count():
            radios.nth(min(n % 3, radios.count() - 1)).check()
        elif boxes.count():
            boxes.first.check()
        else:
            question.locator("input.percent").fill(str(40 + 5 * n))


def test_a_manager_answers_resumes_submits_and_reads_the_report_in_english_then_chinese(
    live_server, tidy_connections, browser, worker
):
    base = live_server.url
    brand = BrandFactory(name="Lotus Skin", default_category=Category.objects.get(slug="beauty"))
    user = manager_of(brand, username="lin")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, base, user.username)

    page.get_by_role("link", name="Start an assessment").click()
    assert page.get_by_label("Category").input_value() == str(brand.default_category_id)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r".*/steps/messaging/$"))
    assert page.get_by_text("Step 1 of 6").is_visible()
    assert page.get_by_text("— Annex Cloud blog").first.is_visible()  # the figure behind a question

    # Step 1, with a percentage out of range first: the error shows, the typing stays.
    answer_step(page)
    share = page.get_by_label("What share of customer messages")
    share.fill("140")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    # Focus moves to the summary once its script has run (the click returns at navigation).
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    assert "Enter a percentage from 0 to 100" in summary.inner_text()
    assert share.input_value() == "140"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "step-error.png"), full_page=True)
    assert page.locator("input[name=msg-account]:checked").count() == 1
    share.fill("80")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r".*/steps/payments/$"))
    answer_step(page)
    page.get_by_role("button", name="Save and continue").click()

    # Step 3 half done, then leave; log back in and land on it with those answers kept.
    page.wait_for_url(re.compile(r".*/steps/social-commerce/$"))
    answer_step(page, only=2)
    chosen = page.locator("input[name=sc-shop]:checked").get_attribute("value")
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/login/")
    log_in(page, base, user.username)
    page.get_by_role("link", name=re.compile("^Continue")).click()
    page.wait_for_url(re.compile(r".*/steps/social-commerce/$"))
    assert page.locator("input[name=sc-shop]:checked").get_attribute("value") == chosen
    assert page.get_by_text("Step 3 of 6").is_visible()

    for following in ["live-streaming", "ugc", "integration"]:
        answer_step(page)
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url(re.compile(rf".*/steps/{following}/$"))
    answer_step(page)
    page.get_by_role("button", name="Save and review").click()
    page.wait_for_url(re.compile(r".*/review/$"))
    assert page.get_by_text("All 30 questions are answered").is_visible()
    page.get_by_role("button", name="Submit for scoring").click()

    # The status page turns into the report by itself once the worker has scored it.
    page.wait_for_url(re.compile(r".*/report/$"), timeout=60_000)
    assert page.locator("svg.radar polygon.series").count() == 2
    first = page.locator(".rec").first
    cited = first.locator("cite").first.inner_text()
    assert re.search(r"L2[^<]*\(2017, \d+ years? old\)", cited) and "seed" not in cited
    assert re.fullmatch(r"\d+\.\d", page.locator(".index-value").inner_text())

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "report-print.png"), full_page=True)
    assert os.path.getsize(ARTIFACTS / "report.png") > 10_000
    page.emulate_media(media="screen")
    page.goto(f"{base}/")
    assert page.get_by_role("link", name=re.compile("^View report")).is_visible()
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    # The same manager, in Chinese.
    fill_in_chinese(page, base)


def answer_all_steps(page, save_and_continue: str, save_and_review: str) -> None:
    """From the first step, answer every step and go on to the review page."""
    while True:
        answer_step(page)
        last = page.get_by_role("button", name=save_and_review)
        if last.count():
            last.click()
            page.wait_for_url(re.compile(r".*/review/$"))
            return
        current = page.url
        page.get_by_role("button", name=save_and_continue).click()
        page.wait_for_url(lambda url, before=current: url != before)


def fill_in_chinese(page, base: str) -> None:
    """Switch to Chinese, answer a new assessment in Chinese, submit it and read its report.

    Part of the browser test below rather than a test of its own: one live server, browser and
    worker serve both languages, and a second live test would pay for its own set-up and
    database flush. Every Chinese page is screenshotted and checked for a half-width "(" or "."
    straight after a Chinese character (the glossary's typography, locale/glossary.csv).
    """
    # The switcher posts to set_language and comes back to the same page, now in Chinese.
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="我的品牌").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    check_chinese_page(page, "dashboard-zh-Hans")

    # Remembered on the next page (the language cookie).
    page.get_by_role("link", name="发起评估").click()
    assert page.get_by_role("heading", name="发起评估").is_visible()
    page.get_by_role("button", name="开始", exact=True).click()
    page.wait_for_url(re.compile(r".*/steps/messaging/$"))
    assert page.get_by_role("heading", name="即时通讯（私域）").is_visible()
    assert page.get_by_text("品牌是否运营微信公众号").is_visible()  # the question, in Chinese
    assert page.get_by_text("第 1 步，共 6 步").is_visible()
    page.get_by_label("有多大比例的消费者消息").fill("140")
    page.get_by_role("button", name="保存并继续").click()
    assert page.get_by_text("有 1 处错误，此步骤的内容尚未保存").is_visible()
    check_chinese_page(page, "step-error-zh-Hans")
    page.get_by_label("有多大比例的消费者消息").fill("80")

    answer_all_steps(page, "保存并继续", "保存并核对")
    assert page.get_by_text("全部 30 个问题均已作答").is_visible()
    assert page.get_by_role("link", name=re.compile("^修改")).count() == 6
    check_chinese_page(page, "review-zh-Hans")
    page.get_by_role("button", name="提交并评分").click()

    page.wait_for_url(re.compile(r".*/report/$"), timeout=60_000)
    assert page.get_by_role("heading", name="下一步建议").is_visible()
    assert page.get_by_role("heading", name="各维度表现").is_visible()
    assert re.search(r"[\u4e00-\u9fff]", page.locator(".tier-name").inner_text())
    check_chinese_page(page, "report-zh-Hans")
    assert os.path.getsize(ARTIFACTS / "report-zh-Hans.png") > 10_000
    save_pdf_first_page(page, "report-zh-Hans-pdf")


def check_chinese_page(page, name: str) -> None:
    """Screenshot a Chinese page and find no half-width "(" or "." right after Chinese text."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    text = page.locator("body").inner_text()
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert not half_width_after_chinese(text), (name, half_width_after_chinese(text))


def save_pdf_first_page(page, name: str) -> None:
    """The report's PDF, fetched with the page's session, and its first page as a PNG."""
    pdf = page.request.get(page.url.replace("/report/", "/report.pdf"))
    assert pdf.ok and pdf.headers["content-language"] == "zh-hans"
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
             str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)],
            check=True, timeout=60,
        )  # fmt: skip
