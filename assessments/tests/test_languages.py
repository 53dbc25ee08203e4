"""English and Simplified Chinese on the manager's pages, the report, its PDF and CSV (issue 8).

The first edition's Chinese comes from seed/first_edition.zh-Hans.json; texts it lacks show the
English, marked. Chinese is asked for the way a browser does: the switcher's language cookie.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from assessments.models import Practice, Question
from assessments.tests.factories import scored_assessment, zh_seed

pytestmark = pytest.mark.django_db

ZH_SEED = zh_seed()
FALLBACK_BADGE = 'class="fallback-badge" title="尚无中文文本">英文</small>'


@pytest.fixture
def chinese(client):
    """The client chose Simplified Chinese with the switcher, as a browser would."""
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    return client


@pytest.fixture
def web(chinese, manager):
    chinese.force_login(manager)
    return chinese


@pytest.fixture
def scored(spec, beauty, brand, manager, django_capture_on_commit_callbacks):
    return scored_assessment(
        brand=brand,
        category=beauty,
        maturity=0.3,
        capture=django_capture_on_commit_callbacks,
        user=manager,
    )


def test_the_switcher_remembers_the_language_in_a_cookie_and_returns_to_the_page(client):
    english = client.get("/login/").content.decode()
    assert '<html lang="en">' in english and ">Log in</h1>" in english
    assert 'action="/i18n/setlang/"' in english and 'value="/login/"' in english
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    chinese = client.get("/login/").content.decode()
    assert '<html lang="zh-hans">' in chinese and ">登录</h1>" in chinese
    assert "用户名" in chinese and "Log in" not in chinese


def test_a_browser_asking_for_chinese_gets_chinese_pages(client):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert ">登录</h1>" in html


def test_the_questionnaire_is_asked_in_chinese(web, brand, beauty):
    response = web.post("/assessments/new/", {"brand": brand.pk, "category": beauty.pk})
    html = web.get(response.url).content.decode()
    assert "<h1>即时通讯（私域）</h1>" in html
    assert "品牌是否运营微信公众号" in html  # question text from the Chinese seed
    assert "没有账号" in html  # a choice label
    assert "保存并继续" in html  # the interface
    assert "Save and continue" not in html


def test_english_shown_for_a_missing_chinese_text_is_marked_and_a_translation_unmarks_it(
    web, brand, beauty, edition
):
    response = web.post("/assessments/new/", {"brand": brand.pk, "category": beauty.pk})
    question = Question.objects.filter(edition=edition, key="msg-account")
    # The edition is published: rows change only by a queryset update, as a migration would.
    question.update(text_zh_hans="")
    html = web.get(response.url).content.decode()
    english = question.get().text_en
    assert f'<span class="untranslated" lang="en">{english}</span>' in html.replace("&#x27;", "'")
    assert FALLBACK_BADGE in html
    question.update(text_zh_hans="品牌有微信公众号吗")
    html = web.get(response.url).content.decode()
    assert english not in html.replace("&#x27;", "'")
    assert "品牌有微信公众号吗" in html


def test_english_pages_carry_no_fallback_mark(client, manager, scored):
    client.force_login(manager)
    html = client.get(f"/assessments/{scored.pk}/report/").content.decode()
    assert "What to do next" in html and "fallback-badge" not in html


def test_the_report_is_shown_in_chinese_with_untranslated_content_marked(
    web, scored, edition, edits_a_published_edition
):
    recommended = scored.result.recommendations.order_by("rank").values_list("practice_key")
    untranslated = Practice.objects.get(edition=edition, key=recommended[0][0])
    Practice.objects.filter(pk=untranslated.pk).update(title_zh_hans=None)
    edits_a_published_edition()  # the cached spec of the edition as it was, dropped
    html = web.get(f"/assessments/{scored.pk}/report/").content.decode()
    assert "社交电商成熟度" in html and "下一步建议" in html and "各维度表现" in html
    pillar = scored.result.pillars.order_by("position").first()
    assert ZH_SEED["pillars"][pillar.key]["name"] in html  # resolved from the edition by key
    tier = ZH_SEED["tiers"][scored.result.tier_key]["name"]
    assert f'<span class="tier-name">{tier}</span>' in html
    assert f'<h3><span class="untranslated" lang="en">{untranslated.title_en}' in html
    assert FALLBACK_BADGE in html


def test_the_chinese_pdf_draws_chinese_text_in_a_noto_cjk_font(web, scored):
    response = web.get(f"/assessments/{scored.pk}/report.pdf")
    assert response["Content-Language"] == "zh-hans"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "社交电商成熟度" in text  # from the catalogue
    assert "即时通讯" in text  # from the benchmark content
    fonts = _fonts(reader)
    # "Not boxes": the Chinese glyphs come from an embedded Noto CJK font.
    assert any("Noto-Sans-CJK-SC" in name for name in fonts), fonts


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_csv_headers_and_labels_follow_the_language(client, web, manager, scored):
    url = f"/assessments/{scored.pk}/report.csv"
    rows = list(csv.reader(io.StringIO(web.get(url).content.decode("utf-8-sig"))))
    assert rows[0] == ["部分", "项目", "数值", "基准", "差距", "变化", "详情"]
    assert ["概要", "成熟度指数"] == rows[2][:2]
    assert any(row[:2] == ["维度", "即时通讯（私域）"] for row in rows)
    client.cookies.clear()
    client.force_login(manager)
    english = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert english[0] == ["section", "item", "value", "benchmark", "gap", "change", "detail"]


def test_admins_edit_both_languages_english_first_and_english_required(admin_client, edition):
    from django.urls import reverse

    from assessments.models import Tier
    from assessments.publishing import edition_copy

    draft = edition_copy(edition=edition, user=None)
    tier = Tier.objects.get(edition=draft, key="leader")
    assert tier.name_zh_hans == "领先"  # the copy keeps the Chinese
    url = reverse("admin:assessments_tier_change", args=[tier.pk])
    html = admin_client.get(url).content.decode()
    assert html.index('name="name_en"') < html.index('name="name_zh_hans"')
    body = {"edition": draft.pk, "key": "leader", "min_index": "140", "summary_en": "Ahead."}
    refused = admin_client.post(url, body | {"name_en": "", "name_zh_hans": "领先"})
    assert refused.status_code == 200 and "name_en" in refused.context["adminform"].form.errors
    saved = admin_client.post(url, body | {"name_en": "Leader", "name_zh_hans": "先锋"})
    assert saved.status_code == 302
    tier.refresh_from_db()
    assert (tier.name_en, tier.name_zh_hans) == ("Leader", "先锋")
    assert tier.history.first().name_zh_hans == "先锋"  # the audit trail has the Chinese too


def test_previewing_a_draft_warns_about_missing_chinese_but_does_not_block(admin_client, edition):
    from django.contrib.messages import get_messages
    from django.db.models import Q
    from django.urls import reverse

    from assessments.models import EditionJob
    from assessments.publishing import edition_copy

    draft = edition_copy(edition=edition, user=None)
    Practice.objects.filter(edition=draft, key="messaging-account").update(title_zh_hans="")
    response = admin_client.post(reverse("admin:assessments_edition_preview", args=[draft.pk]))
    assert EditionJob.objects.filter(edition=draft, kind="preview").exists()
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    warnings = [w for w in warnings if "proxy" not in w]  # the others name the proxies
    assert len(warnings) == 1 and "without a Chinese translation" in warnings[0]
    assert "practice" in warnings[0]
    admin_client.get(response.url)  # the job page shows (and so uses up) the messages
    # Once every text has its Chinese, the warning goes.
    for model, fields in _translated_models():
        rows = model.objects.filter(**_in(model, draft))
        for name in fields:
            blank = Q(**{f"{name}_zh_hans__isnull": True}) | Q(**{f"{name}_zh_hans": ""})
            rows.filter(blank).exclude(**{f"{name}_en": ""}).update(**{f"{name}_zh_hans": "中文"})
    response = admin_client.post(reverse("admin:assessments_edition_preview", args=[draft.pk]))
    assert "/jobs/" in response.url  # previewed again, this time without the warning
    messages = get_messages(response.wsgi_request)
    assert not [m for m in messages if m.level_tag == "warning" and "proxy" not in str(m)]


def _translated_models():
    from assessments.translation import TRANSLATED_FIELDS

    return [
        (m, f) for m, f in TRANSLATED_FIELDS.items() if m.__name__ not in {"Category", "Edition"}
    ]


def _in(model, edition) -> dict:
    path = {"Citation": "practice__edition", "Choice": "question__edition"}
    return {path.get(model.__name__, "edition"): edition}


def test_an_invalid_answer_is_explained_in_chinese(web, brand, beauty):
    response = web.post("/assessments/new/", {"brand": brand.pk, "category": beauty.pk})
    page = web.get(response.url)
    version = page.context["form"]["version"].value()
    answer = web.post(response.url, {"version": version, "msg-response-share": "140"})
    assert answer.status_code == 400
    assert "请输入 0 到 100 之间的百分比。" in answer.content.decode()


@pytest.mark.parametrize(
    "path,query,expected",
    [
        ("category", "美妆", "beauty"),  # Chinese, searched by an admin reading English
        ("tier", "领先", "leader"),
        ("tier", "Leader", "leader"),  # English still found
    ],
)
def test_the_admin_search_finds_a_text_in_either_language(
    admin_client, edition, path, query, expected
):
    response = admin_client.get(f"/admin/assessments/{path}/", {"q": query})
    assert response.status_code == 200
    found = response.context["cl"].result_list
    assert expected in {getattr(row, "slug", None) or row.key for row in found}
