"""Fill the English columns from the texts stored so far, and load the first edition's Chinese.

The Chinese texts come from seed/first_edition.zh-Hans.json. Any subset of it loads: a text it
lacks stays blank and pages show the English, marked. Historical (migration) models have none of
modeltranslation's behaviour, so the columns are written by name. The seed's edition label is
not loaded: a label is the edition's unique name (this migration finds the edition by it), so it
stays one string.
"""

import json
from pathlib import Path

from django.db import migrations
from django.db.models import F

SEED = Path(__file__).resolve().parent.parent / "seed"
FIRST_EDITION = SEED / "first_edition.json"
CHINESE = SEED / "first_edition.zh-Hans.json"

# The translated fields as of this migration (assessments/translation.py may grow later).
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


def copy_english(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        for name in (model_name, f"Historical{model_name}"):
            try:
                model = apps.get_model("assessments", name)
            except LookupError:  # Category keeps no history
                continue
            model.objects.update(**{f"{field}_en": F(field) for field in fields})


def _zh(texts: dict, fields: tuple[str, ...]) -> dict:
    """Only the Chinese texts given and non-empty: the rest stays blank (English shown)."""
    return {f"{field}_zh_hans": texts[field] for field in fields if texts.get(field)}


def _update(queryset, texts: dict, fields: tuple[str, ...]) -> None:
    values = _zh(texts, fields)
    if values:
        queryset.update(**values)


def load_chinese(apps, schema_editor):
    get = lambda name: apps.get_model("assessments", name)  # noqa: E731
    label = json.loads(FIRST_EDITION.read_text(encoding="utf-8"))["edition"]["label"]
    edition = get("Edition").objects.filter(label=label).first()
    if edition is None or not CHINESE.exists():
        return
    zh = json.loads(CHINESE.read_text(encoding="utf-8"))
    _update(get("Edition").objects.filter(pk=edition.pk), zh.get("edition", {}), ("notes",))
    for slug, texts in zh.get("categories", {}).items():
        _update(get("Category").objects.filter(slug=slug), texts, ("name",))
    in_edition = {"edition": edition}
    simple = [("tiers", "Tier"), ("pillars", "Pillar"), ("practices", "Practice")]
    for section, model_name in simple:
        for key, texts in zh.get(section, {}).items():
            rows = get(model_name).objects.filter(key=key, **in_edition)
            _update(rows, texts, FIELDS[model_name])
    for key, texts in zh.get("questions", {}).items():
        questions = get("Question").objects.filter(key=key, **in_edition)
        _update(questions, texts, FIELDS["Question"])
        for value, label_zh in (texts.get("choices") or {}).items():
            choices = get("Choice").objects.filter(question__in=questions, value=value)
            _update(choices, {"label": label_zh}, ("label",))
    for statement, texts in zh.get("citations", {}).items():
        rows = get("Citation").objects.filter(practice__edition=edition, statement=statement)
        _update(rows, texts, FIELDS["Citation"])
    for statement, texts in zh.get("context_figures", {}).items():
        rows = get("ContextFigure").objects.filter(statement=statement, **in_edition)
        _update(rows, texts, FIELDS["ContextFigure"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_translated_benchmark_texts")]

    operations = [
        migrations.RunPython(copy_english, migrations.RunPython.noop),
        migrations.RunPython(load_chinese, migrations.RunPython.noop),
    ]
