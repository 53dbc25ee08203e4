"""Correct the 2017 edition's Chinese display texts to the glossary (locale/glossary.csv).

A published edition is read-only: results point at it, and the models refuse a save (see
EditionPart). Its Chinese display texts are the one correction it takes, because no score,
stored result or key reads them: scoring and results use the English. So this migration writes
only `*_zh_hans` columns (`_chinese_only` refuses anything else), with queryset updates on the
migration's historical models, which have no read-only guard; numbers, keys and English stay as
they are. The texts come from seed/first_edition.zh-Hans.json, the same file 0005 loads, so a
new database and an upgraded one end with the same Chinese. Each corrected row gets an entry
in its History (simple-history), so admins see what changed from what.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

SEED = Path(__file__).resolve().parent.parent / "seed"
FIRST_EDITION = SEED / "first_edition.json"
CHINESE = SEED / "first_edition.zh-Hans.json"
CHINESE_SUFFIX = "_zh_hans"
REASON = "Chinese wording corrected to the glossary"

FIELDS = {
    "Category": ("name",),
    "Edition": ("notes",),
    "Pillar": ("name", "description"),
    "Practice": ("title", "recommendation"),
    "Citation": ("statement", "population", "note"),
    "Question": ("text", "help_text"),
    "Choice": ("label",),
    "Tier": ("name", "summary"),
    "ContextFigure": ("statement", "population", "note"),
}


class NotAChineseText(Exception):
    """A correction that would write a column other than a Chinese display text."""


def _chinese_only(values: dict) -> dict:
    wrong = sorted(name for name in values if not name.endswith(CHINESE_SUFFIX))
    if wrong:
        raise NotAChineseText(f"only Chinese display texts may change here, not {wrong}")
    return values


def _values(texts: dict, fields: tuple[str, ...]) -> dict:
    return {f"{field}{CHINESE_SUFFIX}": texts[field] for field in fields if texts.get(field)}


def _correct(apps, model_name: str, rows, texts: dict, now) -> int:
    """Write the Chinese texts to the rows whose Chinese differs; how many rows changed."""
    values = _chinese_only(_values(texts, FIELDS[model_name]))
    if not values:
        return 0
    changed = [row.pk for row in rows if any(getattr(row, k) != v for k, v in values.items())]
    if not changed:
        return 0
    model = apps.get_model("assessments", model_name)
    model.objects.filter(pk__in=changed).update(**values)
    _record_history(apps, model_name, model.objects.filter(pk__in=changed), now)
    return len(changed)


def _record_history(apps, model_name: str, rows, now) -> None:
    try:
        history = apps.get_model("assessments", f"Historical{model_name}")
    except LookupError:  # Category keeps no history
        return
    names = {f.attname for f in history._meta.concrete_fields} - {"history_id"}
    history.objects.bulk_create(
        history(
            **{name: getattr(row, name) for name in names if hasattr(row, name)},
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
        )
        for row in rows
    )


def correct_chinese(apps, schema_editor=None) -> int:
    """Apply the seed's Chinese to the first edition; the number of rows corrected."""
    get = lambda name: apps.get_model("assessments", name)  # noqa: E731
    label = json.loads(FIRST_EDITION.read_text(encoding="utf-8"))["edition"]["label"]
    edition = get("Edition").objects.filter(label=label).first()
    if edition is None:
        return 0
    zh = json.loads(CHINESE.read_text(encoding="utf-8"))
    now = timezone.now()
    fix = lambda model, rows, texts: _correct(apps, model, list(rows), texts, now)  # noqa: E731
    done = fix("Edition", get("Edition").objects.filter(pk=edition.pk), zh["edition"])
    for slug, texts in zh["categories"].items():
        done += fix("Category", get("Category").objects.filter(slug=slug), texts)
    for section, model in (("tiers", "Tier"), ("pillars", "Pillar"), ("practices", "Practice")):
        for key, texts in zh[section].items():
            done += fix(model, get(model).objects.filter(edition=edition, key=key), texts)
    for key, texts in zh["questions"].items():
        questions = get("Question").objects.filter(edition=edition, key=key)
        done += fix("Question", questions, texts)
        for value, label_zh in (texts.get("choices") or {}).items():
            choices = get("Choice").objects.filter(question__in=questions, value=value)
            done += fix("Choice", choices, {"label": label_zh})
    for statement, texts in zh["citations"].items():
        rows = get("Citation").objects.filter(practice__edition=edition, statement=statement)
        done += fix("Citation", rows, texts)
    for statement, texts in zh["context_figures"].items():
        rows = get("ContextFigure").objects.filter(edition=edition, statement=statement)
        done += fix("ContextFigure", rows, texts)
    return done


class Migration(migrations.Migration):
    dependencies = [("assessments", "0011_outbox")]

    operations = [migrations.RunPython(correct_chinese, migrations.RunPython.noop)]
