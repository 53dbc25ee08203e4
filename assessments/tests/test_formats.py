"""Dates, figures, lists and punctuation written each language's way, on pages, PDF and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from assessments import formats, services
from assessments.core.formats import CHINESE, ENGLISH, half_width_after_chinese
from assessments.tests.factories import AssessmentFactory, scored_assessment


def test_a_chinese_date_has_no_spaces_and_an_english_one_reads_as_before():
    when = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    with translation.override("zh-hans"):
        assert (formats.day(when), formats.month(when)) == ("2026年12月1日", "2026年12月")
    with translation.override("en"):
        assert formats.day(date(2026, 12, 1)) == "Dec. 1, 2026"
        assert formats.month(when) == "December 2026"
    assert formats.day(None) == ""


def test_figures_read_alike_and_punctuation_follows_the_language():
    assert CHINESE.percent(70) == ENGLISH.percent(70) == "70%"
    assert CHINESE.percent(45.5) == "45.5%" and CHINESE.number(2.25, 1) == "2.2"
    assert CHINESE.items(["微信支付", "支付宝"]) == "微信支付、支付宝"
    assert ENGLISH.items(["WeChat Pay", "Alipay"]) == "WeChat Pay, Alipay"
    assert CHINESE.bracketed("美妆") == "（美妆）" and ENGLISH.bracketed("Beauty") == "(Beauty)"
    assert CHINESE.aside("L2, 2017") == "（L2, 2017）" and ENGLISH.aside("L2") == " (L2)"


def test_a_sentence_ends_in_the_full_stop_of_its_own_script():
    assert CHINESE.sentence("基准按其他品类的数据估算") == "基准按其他品类的数据估算。"
    assert CHINESE.sentence("请输入 0 到 100 之间的百分比。") == "请输入 0 到 100 之间的百分比。"
    assert ENGLISH.sentence("figure for brands of all categories") == (
        "Figure for brands of all categories."
    )
    # English shown on a Chinese page (no Chinese yet) keeps its own full stop.
    assert CHINESE.sentence("no benchmark figure") == "No benchmark figure."


def test_half_width_punctuation_after_chinese_is_found():
    assert half_width_after_chinese("美妆 (L2) 与 Beauty.") == []
    assert half_width_after_chinese("美妆品牌(L2)") and half_width_after_chinese("尚未作答.")


@pytest.fixture
def chinese(client, manager):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    client.force_login(manager)
    return client


@pytest.mark.django_db
def test_a_chinese_step_with_an_error_counts_errors_and_keeps_full_width_punctuation(
    chinese, brand, manager, spec
):
    draft = AssessmentFactory(brand=brand, created_by=manager)
    data = {"version": "0", "msg-response-share": "140"}
    html = chinese.post(f"/assessments/{draft.pk}/steps/messaging/", data).content.decode()
    assert "有 1 处错误，此步骤的内容尚未保存" in html and "个问题" not in html
    assert '<p class="field-error" id="error-msg-response-share">' in html
    assert "请输入 0 到 100 之间的百分比。</p>" in html  # the sentence ends in 。, not "."
    assert "请输入 0 到 100 之间的百分比<span" in html  # in the summary, before the question
    assert '<span class="summary-question">（<span' not in html  # Chinese, not marked English
    assert '<span class="summary-question">（有多大比例的消费者消息' in html
    assert not half_width_after_chinese(_visible_text(html))


@pytest.mark.django_db
def test_the_chinese_review_page_says_edit_not_difference_and_lists_choices_chinese_style(
    chinese, brand, manager, spec
):
    draft = AssessmentFactory(brand=brand, created_by=manager)
    methods = spec.question("pay-methods")
    services.assessment_save_answers(
        assessment=draft,
        answers={"pay-methods": [c.value for c in methods.choices[:2]]},
        expected_version=0,
    )
    html = chinese.get(f"/assessments/{draft.pk}/review/").content.decode()
    assert ">修改<span" in html and ">变化<" not in html
    assert "<dd>支付宝、微信支付</dd>" in html  # a list the Chinese way, not "微信支付, 支付宝"
    assert "提交并评分" in html and "核对答案" in html
    assert not half_width_after_chinese(_visible_text(html))


@pytest.mark.django_db
def test_the_chinese_report_csv_writes_evidence_with_chinese_punctuation(
    chinese, brand, beauty, manager, django_capture_on_commit_callbacks
):
    scored = scored_assessment(
        brand=brand,
        category=beauty,
        maturity=0.3,
        capture=django_capture_on_commit_callbacks,
        user=manager,
    )
    body = chinese.get(f"/assessments/{scored.pk}/report.csv").content.decode()
    details = [row[6] for row in csv.reader(io.StringIO(body)) if row[0].startswith("建议")]
    assert details and all(d.endswith("）") for d in details if d)
    assert not [d for d in details if half_width_after_chinese(d)]


def _visible_text(html: str) -> str:
    """The page without its tags, scripts and attributes: what a reader sees."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html)
