"""The whole flow on a phone (390x844) and a desktop (1280x800), in English and in Chinese.

On every page: nothing wider than the viewport, no critical or serious axe-core violation
(axe-playwright-python bundles axe-core: nothing is fetched), and a screenshot in
test-artifacts/. On the way: skip logic hides and clears, N/A disables its field, a typed "50%"
is taken, leaving a step by the step picker or the language menu keeps the answer, an expired
session keeps the answers, and Review -> Change returns to the review.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection

from assessments import edition_specs as editions
from assessments.models import Category, Question
from assessments.tests.factories import BrandFactory, manager_of
from tests.test_browser import ARTIFACTS, PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.timeout(600),
]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
NARROWEST = 360
# The smallest size a label of the radar chart may be drawn at, in CSS pixels.
MIN_LABEL_PX = 12
WORDS = {
    "en": {"login": "Log in", "continue": "Save and continue", "saved": "Saved at"},
    "zh-hans": {"login": "登录", "continue": "保存并继续", "saved": "已于"},
}
AXE = Axe()


@pytest.fixture
def skip_logic():
    """Posting frequency is asked only when the brand has a messaging account."""
    # The previous browser test ended every other session (tidy_connections), which may have
    # been the one this thread held: start from a fresh connection.
    connection.close()
    Question.objects.filter(key="msg-post-frequency").update(
        shown_if_question="msg-account", shown_if_values=["dormant", "active"]
    )
    editions._published_edition_spec.cache_clear()
    yield
    editions._published_edition_spec.cache_clear()


def check_page(page, name: str) -> None:
    """No sideways scrolling, no serious accessibility problem, a screenshot; radar labels
    readable wherever the chart shows."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    # On the phone, the narrowest phones too (360 px wide), then back.
    for narrow in [NARROWEST] if width < NARROWEST + 100 else []:
        page.set_viewport_size({"width": narrow, "height": height})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= narrow, f"{name}: the page is {scroll} px wide in a {narrow} px viewport"
        page.set_viewport_size({"width": width, "height": height})
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name}: the page is {scroll} px wide in a {width} px viewport"
    # The step picker shows the current step whole, not cut off at the edge.
    current = page.locator(".steps [aria-current=step]")
    if current.count():
        box = current.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name}: step chip {box}"
    result = AXE.run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]
    assert serious == [], f"{name}: {serious}"
    smallest = page.evaluate(
        """() => {
          const svg = document.querySelector('svg.radar');
          if (!svg || !svg.getBoundingClientRect().width) return null;
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const sizes = [...svg.querySelectorAll('text')].map(t => +t.getAttribute('font-size'));
          return Math.min(...sizes.filter(s => s >= 13)) * scale;
        }"""
    )
    assert smallest is None or smallest >= MIN_LABEL_PX, f"{name}: radar labels {smallest} px"
    language = page.locator("html").get_attribute("lang")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{width}x{height}-{language}-{name}.png"
    page.screenshot(path=str(shot), full_page=True)


def answer_step(page) -> None:
    """Answer every question the step shows (the hidden ones stay unanswered)."""
    for n, question in enumerate(page.locator("form.questionnaire .question").all()):
        if question.is_hidden():
            continue
        radios = question.locator("input[type=radio]:not([value='n/a'])")
        boxes = question.locator(".options input[type=checkbox]")
        if radios.count():
            radios.nth(min(n % 3 + 1, radios.count() - 1)).check()
        elif boxes.count():
            boxes.first.check()
        else:
            question.locator("input.percent").fill(str(40 + 5 * n))


def save_and_continue(page) -> None:
    current = page.url
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(lambda url, before=current: url != before)


def log_in(page, base: str, username: str, language: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def switch_language(page, language: str) -> None:
    page.locator("#language-select").select_option(language)
    page.locator("form.language-switcher button").click()
    page.wait_for_selector(f"html[lang={language}]")


def check_skip_logic_na_and_typing(page) -> None:
    """On the messaging step: "No account" hides and clears the posting frequency."""
    frequency = page.locator("#q-msg-post-frequency")
    page.locator("input[name=msg-account][value=active]").check()
    assert frequency.is_visible()
    frequency.locator("input[value=weekly]").check()
    page.locator("input[name=msg-account][value=none]").check()
    assert frequency.is_hidden()
    page.locator("input[name=msg-account][value=active]").check()
    assert frequency.is_visible()
    assert frequency.locator("input:checked").count() == 0  # cleared when it was hidden
    answer_step(page)
    page.locator("input[name=msg-response-share]").fill("50%")


def check_na_disables_its_field(page) -> None:
    """On the payments step: ticking N/A greys out the percentage, unticking brings it back."""
    share = page.locator("input[name=pay-share]")
    share.fill("40,5")
    page.locator("input[name='pay-share--na']").check()
    assert share.is_disabled()
    page.locator("input[name='pay-share--na']").uncheck()
    assert share.is_enabled() and share.input_value() == "40,5"


def check_leaving_keeps_the_answer(page, base: str, language: str) -> None:
    """Leave the payments step by the step picker, then by the language menu: kept both times."""
    step = page.url
    choice = page.locator("input[name=pay-in-app][value=no]")
    choice.check()
    page.locator("nav.steps a[href$='/steps/messaging/']").click()
    page.wait_for_url(re.compile(r".*/steps/messaging/$"))
    page.goto(step)
    assert page.locator("input[name=pay-in-app]:checked").get_attribute("value") == "no"
    page.locator("input[name=pay-in-app][value=yes]").check()
    other = "en" if language == "zh-hans" else "zh-hans"
    switch_language(page, other)
    assert page.locator("input[name=pay-in-app]:checked").get_attribute("value") == "yes"
    switch_language(page, language)


def check_an_expired_session_keeps_the_answers(page, base: str, username: str, language: str):
    """The session ends (cookie gone) while a step is open: the save comes back after login."""
    page.locator("input[name=pay-checkout-steps][value=few]").check()
    page.context.clear_cookies(name="sessionid")
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile(r".*/login/\?next=.*"))
    check_page(page, "login-after-expiry")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/steps/payments/$"))
    assert page.locator(".message").count() == 1  # says the answers were kept and saved
    assert page.locator("input[name=pay-checkout-steps]:checked").get_attribute("value") == "few"


def check_autosave_says_saved(page, language: str) -> None:
    page.locator("input[name=pay-in-app][value=no]").check()
    state = page.locator("#save-state")
    state.filter(has_text=WORDS[language]["saved"]).wait_for(timeout=10_000)
    assert "saved" in (state.get_attribute("class") or "")


def run_flow(page, base: str, username: str, language: str) -> None:
    log_in(page, base, username, language)
    check_page(page, "dashboard")
    page.locator("a.button[href*='/assessments/new/']").click()
    check_page(page, "start")
    page.locator("#id_name").fill("Before 11.11" if language == "en" else "双 11 之前")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/steps/messaging/$"))
    check_page(page, "step-messaging")
    check_skip_logic_na_and_typing(page)
    save_and_continue(page)
    check_page(page, "step-payments")
    check_na_disables_its_field(page)
    check_leaving_keeps_the_answer(page, base, language)
    check_autosave_says_saved(page, language)
    check_an_expired_session_keeps_the_answers(page, base, username, language)
    answer_step(page)
    page.locator("input[name=pay-share]").fill("\uff16\uff10")  # full-width digits
    while page.locator("button[name=action][value=next]").count():
        last = "/steps/integration/" in page.url
        save_and_continue(page)
        if last:
            break
        check_page(page, "step-" + page.url.rstrip("/").rsplit("/", 1)[-1])
        answer_step(page)
    page.wait_for_url(re.compile(r".*/review/$"))
    check_page(page, "review")
    # Review -> Change -> save: back on the review.
    page.locator("a[href$='/steps/ugc/?from=review']").click()
    page.wait_for_url(re.compile(r".*/steps/ugc/\?from=review$"))
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile(r".*/review/$"))
    page.locator("form.submit-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/(status|report)/$"))
    if "/status/" in page.url:
        check_page(page, "status")
    page.wait_for_url(re.compile(r".*/report/$"), timeout=60_000)
    check_page(page, "report")
    page.goto(f"{base}/")
    check_page(page, "dashboard-with-report")
    page.goto(f"{base}/no-such-page/")
    check_page(page, "error-404")


@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_the_flow_fits_the_screen_passes_axe_and_loses_nothing(
    live_server,
    tidy_connections,
    browser,
    worker,
    skip_logic,
    settings,
    size,
):
    chromium = browser
    settings.AXES_FAILURE_LIMIT = 2
    base = live_server.url
    brand = BrandFactory(name="Lotus Skin", default_category=Category.objects.get(slug="beauty"))
    manager_of(brand, username="lin")
    width, height = VIEWPORTS[size]
    for language in ("en", "zh-hans"):
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/login/")
        check_page(page, "login")
        run_flow(page, base, "lin", language)
        context.close()
        # The lockout page, in the site's layout, after repeated wrong passwords.
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        page = context.new_page()
        for _ in range(3):
            page.goto(f"{base}/login/")
            page.locator("#id_username").fill(f"nobody-{language}")
            page.locator("#id_password").fill("wrong")
            page.locator("main button[type=submit]").click()
            page.wait_for_load_state()
        assert page.locator("a[href='/login/']").count() == 1
        check_page(page, "lockout")
        context.close()
