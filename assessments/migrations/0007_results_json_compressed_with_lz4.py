"""Compress the JSON a result stores with lz4 instead of PostgreSQL's default pglz.

A result's explanation is about 16 kB of JSON and each recommendation carries its evidence:
PostgreSQL compresses both on every insert, and with pglz that was about a third of its CPU time
in a bulk rescoring (525 against 365 µs per assessment with lz4, bench/notes/rescoring.md).
Reads decompress faster too. Only new values use it; rows already stored stay readable as they
are. Skipped on other databases, and on a PostgreSQL built without lz4 (it then keeps pglz).
"""

from django.db import migrations

COLUMNS = (("assessments_result", "explanation"), ("assessments_recommendation", "evidence"))


def _set_compression(method: str):
    def run(apps, schema_editor) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
                " AND %s = ANY(enumvals)",
                [method],
            )
            if cursor.fetchone() is None:
                return
            for table, column in COLUMNS:
                quote = schema_editor.quote_name
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)}"
                    f" SET COMPRESSION {method}"
                )

    return run


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_result_rows_without_unused_indexes")]

    operations = [migrations.RunPython(_set_compression("lz4"), _set_compression("pglz"))]
