import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

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


class Migration(migrations.Migration):
    dependencies = [
        ("datavalues", "0004_region_indexes_from_the_keys"),
        ("catalog", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="valuechange",
                    name="element",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.dataelement",
                    ),
                ),
                migrations.AlterField(
                    model_name="valuechange",
                    name="period",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalog.period",
                    ),
                ),
                migrations.AlterField(
                    model_name="valuechange",
                    name="changed_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_lookup_indexes, add_lookup_indexes),
            ],
        ),
    ]
