"""A practice's pillar and a question's practice belong to the row's own edition.

The unique (id, edition) pairs let PostgreSQL hold composite foreign keys: a practice whose
pillar is another edition's (or a question whose practice is) cannot be written at all, whatever
writes it. SQLite (local runs) cannot add a foreign key to a table in place; there the models'
clean() is the guard.
"""

from django.db import migrations, models

# (table, columns, referenced table, constraint name)
COMPOSITE_KEYS = [
    ("assessments_practice", "pillar_id", "assessments_pillar", "practice_pillar_same_edition"),
    (
        "assessments_question",
        "practice_id",
        "assessments_practice",
        "question_practice_same_edition",
    ),
]


def add_composite_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, target, name in COMPOSITE_KEYS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}, edition_id) "
            f"REFERENCES {target} (id, edition_id) DEFERRABLE INITIALLY DEFERRED"
        )


def drop_composite_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _, _, name in COMPOSITE_KEYS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0018_profile"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="pillar",
            constraint=models.UniqueConstraint(
                fields=("id", "edition"), name="pillar_id_with_edition"
            ),
        ),
        migrations.AddConstraint(
            model_name="practice",
            constraint=models.UniqueConstraint(
                fields=("id", "edition"), name="practice_id_with_edition"
            ),
        ),
        migrations.RunPython(add_composite_keys, drop_composite_keys),
    ]
