"""DRF's plain-text tokens become digests (api.ApiToken), and their table goes.

Each consultant's existing token keeps working: its digest is what authentication looks up. The
table of rest_framework.authtoken, no longer installed, is read with SQL and then dropped, so
that no dump taken afterwards holds a usable token. Not reversible: the values are gone.
"""

import hashlib

from django.db import migrations

OLD_TABLE = "authtoken_token"


def hash_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return  # a database made after the change: there was never a plain-text token
    ApiToken = apps.get_model("api", "ApiToken")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} FROM {quote(OLD_TABLE)}"
        )
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            prefix=key[:8],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=created,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {quote(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("api", "0004_api_token")]

    operations = [migrations.RunPython(hash_drf_tokens, migrations.RunPython.noop, elidable=False)]
