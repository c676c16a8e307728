"""Region sizes also count kelurahan, so that the expected reporters of an indicator only
desa (or only kelurahan) report are read, not counted, on every page. Stored sizes are
recounted here; an empty table stays empty."""

from collections import defaultdict

from django.db import migrations, models

# Level widths of the dotted code: 34 / 34.04 / 34.04.01 (regions.codes.code_at).
WIDTHS = (8, 5, 2)


def recount(apps, schema_editor):
    RegionSize = apps.get_model("regions", "RegionSize")
    Region = apps.get_model("regions", "Region")
    if not RegionSize.objects.exists():
        return
    kelurahan = defaultdict(int)
    for code in (
        Region.objects.filter(level=4, kind="kelurahan", retired_in="")
        .values_list("code", flat=True)
        .iterator(chunk_size=20000)
    ):
        for width in WIDTHS:
            kelurahan[code[:width]] += 1
        kelurahan["ID"] += 1
    for size in RegionSize.objects.iterator():
        if kelurahan[size.region_code]:
            size.kelurahan = kelurahan[size.region_code]
            size.save(update_fields=["kelurahan"])


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0004_region_sizes_in_regions"),
    ]

    operations = [
        migrations.AddField(
            model_name="regionsize",
            name="kelurahan",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
