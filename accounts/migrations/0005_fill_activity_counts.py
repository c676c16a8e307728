"""Fill the activity counts from the audit log written before they existed."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from accounts.activity import rebuild

    rebuild(using=schema_editor.connection.alias, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_activity_counts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
