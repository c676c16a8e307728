"""Region sizes moved to regions (regions.RegionSize): the stored counts are copied there,
then analytics' table goes."""

from django.db import migrations


def copy_sizes(apps, schema_editor):
    old = apps.get_model("analytics", "RegionSize")
    new = apps.get_model("regions", "RegionSize")
    new.objects.bulk_create(
        (new(region_code=s.region_code, desa=s.desa) for s in old.objects.iterator()),
        batch_size=5000,
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("analytics", "RegionSize")
    new = apps.get_model("regions", "RegionSize")
    old.objects.bulk_create(
        (old(region_code=s.region_code, desa=s.desa) for s in new.objects.iterator()),
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_region_sizes_of_current_desa"),
        ("regions", "0004_region_sizes_in_regions"),
    ]

    operations = [
        migrations.RunPython(copy_sizes, copy_back),
        migrations.DeleteModel(name="RegionSize"),
    ]
