"""Seed the first benchmark edition from seed/first_edition.json (BENCHMARK_FACTS.md's figures).

The JSON is the record of the first edition: later editions are made in the admin, never by
editing it.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

SEED = Path(__file__).resolve().parent.parent / "seed" / "first_edition.json"


def _citation_kwargs(raw: dict, sources: dict, categories: dict) -> dict:
    source = sources[raw["source"]]
    return {
        "use": raw["use"],
        "category": categories[raw["category"]] if raw.get("category") else None,
        "percent": raw.get("percent"),
        "statement": raw["statement"],
        "population": raw["population"],
        "source": source["source"],
        "year": source["year"],
        "note": raw.get("note", ""),
    }


def load_first_edition(apps, schema_editor):
    data = json.loads(SEED.read_text(encoding="utf-8"))
    get = apps.get_model
    categories = {
        raw["slug"]: get("assessments", "Category").objects.create(position=i, **raw)
        for i, raw in enumerate(data["categories"])
    }
    edition = get("assessments", "Edition").objects.create(
        status="published", is_current=True, published_at=timezone.now(), **data["edition"]
    )
    for raw in data["tiers"]:
        get("assessments", "Tier").objects.create(edition=edition, **raw)
    practices = {}
    for p_pos, raw_pillar in enumerate(data["pillars"]):
        pillar = get("assessments", "Pillar").objects.create(
            edition=edition,
            position=p_pos,
            **{k: raw_pillar[k] for k in ("key", "name", "description", "weight")},
        )
        for pr_pos, raw in enumerate(raw_pillar["practices"]):
            fields = ("key", "title", "recommendation", "effort", "weight")
            practice = get("assessments", "Practice").objects.create(
                edition=edition, pillar=pillar, position=pr_pos, **{k: raw[k] for k in fields}
            )
            practices[practice.key] = practice
            for cit in raw["citations"]:
                get("assessments", "Citation").objects.create(
                    practice=practice, **_citation_kwargs(cit, data["sources"], categories)
                )
    for q_pos, raw in enumerate(data["questions"]):
        question = get("assessments", "Question").objects.create(
            edition=edition,
            practice=practices[raw["practice"]],
            position=q_pos,
            **{k: raw[k] for k in ("key", "text", "help_text", "type", "allows_na")},
        )
        for c_pos, (value, label, level) in enumerate(raw["choices"]):
            get("assessments", "Choice").objects.create(
                question=question, value=value, label=label, level=level, position=c_pos
            )
    for pos, raw in enumerate(data["context_figures"]):
        source = data["sources"][raw["source"]]
        get("assessments", "ContextFigure").objects.create(
            edition=edition,
            position=pos,
            statement=raw["statement"],
            population=raw["population"],
            source=source["source"],
            year=source["year"],
        )


def remove_first_edition(apps, schema_editor):
    apps.get_model("assessments", "Edition").objects.all().delete()
    apps.get_model("assessments", "Category").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load_first_edition, remove_first_edition)]
