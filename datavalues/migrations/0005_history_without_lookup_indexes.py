from django.conf import settings
from django.db import migrations, models
from django.db.models import deletion

TABLE = "datavalues_valuechange"
COLUMNS = ("element_id", "period_id", "changed_by_id")


def drop_lookup_indexes(apps, schema_editor):
    """Drop the history's single-column indexes on element, period and user, by name.

    History rows are only added and read by their (region, element, period) key; these three
    served only the rare deletion of an element, a period or a user account, and cost about
    a quarter of a file import's time writing the history. Dropped by name: altering the
    fields makes Django copy the whole table on SQLite."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    for name, info in constraints.items():
        if (
            info["index"]
            and not info["unique"]
            and tuple(info["columns"]) in {(c,) for c in COLUMNS}
        ):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def add_lookup_indexes(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(TABLE + '_' + column)} "
            f"ON {schema_editor.quote_name(TABLE)} ({schema_editor.quote_name(column)})"
        )


def without_index(name, to, on_delete):
    nullable = on_delete is deletion.SET_NULL
    return migrations.AlterField(
        model_name="valuechange",
        name=name,
        field=models.ForeignKey(
            blank=nullable,
            db_index=False,
            null=nullable,
            on_delete=on_delete,
            related_name="+",
            to=to,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("datavalues", "0004_region_indexes_from_the_keys"),
        ("catalog", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                without_index("element", "catalog.dataelement", deletion.PROTECT),
                without_index("period", "catalog.period", deletion.PROTECT),
                without_index("changed_by", settings.AUTH_USER_MODEL, deletion.SET_NULL),
            ],
            database_operations=[
                migrations.RunPython(drop_lookup_indexes, add_lookup_indexes),
            ],
        ),
    ]
