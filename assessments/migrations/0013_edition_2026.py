"""Load the 2026 China benchmark from seed/edition_2026.json and make it the current edition.

The JSON is the record of the second edition (BENCHMARK_FACTS_2026.md's H and M figures), in
English and Chinese. The first edition stays published and unchanged: results scored on it
keep pointing at it, and a report says which edition it was scored on. New categories (Luxury,
Apparel) are added before the fallback category. Reversing removes the 2026 edition (and
anything scored on it) and makes the first edition current again.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

SEED = Path(__file__).resolve().parent.parent / "seed" / "edition_2026.json"


def _texts(**fields) -> dict:
    """{"en": ..., "zh": ...} per field -> the field, its English and its Chinese column."""
    out = {}
    for name, value in fields.items():
        out[name] = out[f"{name}_en"] = value["en"]
        out[f"{name}_zh_hans"] = value["zh"]
    return out


def _categories(get, raw_categories) -> dict:
    Category = get("Category")
    fallback = Category.objects.filter(is_fallback=True).first()
    position = Category.objects.filter(is_fallback=False).count()
    for raw in raw_categories:
        if not Category.objects.filter(slug=raw["slug"]).exists():
            Category.objects.create(slug=raw["slug"], position=position, **_texts(name=raw["name"]))
            position += 1
    if fallback is not None:
        Category.objects.filter(pk=fallback.pk).update(position=position)
    return {c.slug: c for c in Category.objects.all()}


def _citation(practice, raw, sources, categories, get) -> None:
    source = sources[raw["source"]]
    texts = {"statement": raw["statement"], "population": raw["population"]}
    texts |= {"publisher": source["publisher"], "title": source["title"]}
    if raw.get("note"):
        texts["note"] = raw["note"]
    get("Citation").objects.create(
        practice=practice,
        use=raw["use"],
        category=categories[raw["category"]] if raw.get("category") else None,
        percent=raw.get("percent"),
        population_kind=raw["population_kind"],
        is_proxy=raw["is_proxy"],
        year=source["year"],
        **_texts(**texts),
    )


def _questions(edition, practice, raw_questions, position, get) -> int:
    for raw in raw_questions:
        question = get("Question").objects.create(
            edition=edition,
            practice=practice,
            key=raw["key"],
            type=raw["type"],
            allows_na=raw["allows_na"],
            position=position,
            **_texts(text=raw["text"], help_text=raw["help_text"]),
        )
        position += 1
        for c_pos, (value, label, level) in enumerate(raw["choices"]):
            get("Choice").objects.create(
                question=question, value=value, level=level, position=c_pos, **_texts(label=label)
            )
    return position


def load_2026_edition(apps, schema_editor):
    get = lambda name: apps.get_model("assessments", name)  # noqa: E731
    data = json.loads(SEED.read_text(encoding="utf-8"))
    if get("Edition").objects.filter(label=data["edition"]["label"]).exists():
        return
    categories = _categories(get, data["categories"])
    previous = get("Edition").objects.filter(is_current=True).first()
    get("Edition").objects.filter(is_current=True).update(is_current=False)
    edition = get("Edition").objects.create(
        label=data["edition"]["label"],
        status="published",
        is_current=True,
        published_at=timezone.now(),
        based_on=previous,
        **_texts(notes=data["edition"]["notes"]),
    )
    for raw in data["tiers"]:
        get("Tier").objects.create(
            edition=edition,
            key=raw["key"],
            min_index=raw["min_index"],
            **_texts(name=raw["name"], summary=raw["summary"]),
        )
    question_position = 0
    for p_pos, raw_pillar in enumerate(data["pillars"]):
        pillar = get("Pillar").objects.create(
            edition=edition,
            key=raw_pillar["key"],
            position=p_pos,
            weight=1,
            **_texts(name=raw_pillar["name"], description=raw_pillar["description"]),
        )
        for pr_pos, raw in enumerate(raw_pillar["practices"]):
            practice = get("Practice").objects.create(
                edition=edition,
                pillar=pillar,
                key=raw["key"],
                effort=raw["effort"],
                weight=1,
                position=pr_pos,
                **_texts(title=raw["title"], recommendation=raw["recommendation"]),
            )
            for cit in raw["citations"]:
                _citation(practice, cit, data["sources"], categories, get)
            question_position = _questions(
                edition, practice, raw["questions"], question_position, get
            )
    for pos, raw in enumerate(data["context_figures"]):
        source = data["sources"][raw["source"]]
        get("ContextFigure").objects.create(
            edition=edition,
            position=pos,
            year=source["year"],
            **_texts(
                statement=raw["statement"],
                population=raw["population"],
                publisher=source["publisher"],
                title=source["title"],
            ),
        )


def remove_2026_edition(apps, schema_editor):
    get = lambda name: apps.get_model("assessments", name)  # noqa: E731
    label = json.loads(SEED.read_text(encoding="utf-8"))["edition"]["label"]
    edition = get("Edition").objects.filter(label=label).first()
    if edition is None:
        return
    previous = edition.based_on_id
    # By id: the models of this state are not one registry's, so instances do not compare.
    get("Assessment").objects.filter(edition_id=edition.pk).delete()
    get("Result").objects.filter(edition_id=edition.pk).delete()
    # Children first, without the deletion collector: its cascade across this state's models
    # (historical ones included) compares instances of two model registries and fails. Nothing
    # else points at these rows once the edition's assessments and results are gone.
    rows = [
        get("Choice").objects.filter(question__edition_id=edition.pk),
        get("Question").objects.filter(edition_id=edition.pk),
        get("Citation").objects.filter(practice__edition_id=edition.pk),
        *(get(name).objects.filter(edition_id=edition.pk) for name in ("Practice", "Tier")),
        get("ContextFigure").objects.filter(edition_id=edition.pk),
        get("Pillar").objects.filter(edition_id=edition.pk),
        get("JobChunk").objects.filter(job__edition_id=edition.pk),
        get("EditionJob").objects.filter(edition_id=edition.pk),
        get("Edition").objects.filter(pk=edition.pk),
    ]
    get("Edition").objects.filter(based_on_id=edition.pk).update(based_on=None)
    for queryset in rows:
        queryset._raw_delete(queryset.db)
    if previous is not None:
        get("Edition").objects.filter(pk=previous).update(is_current=True)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0012_first_edition_chinese_glossary")]

    operations = [migrations.RunPython(load_2026_edition, remove_2026_edition)]
