"""Region sizes (the 'expected' of coverage) count only current desa/kelurahan.

Sizes stored before counted desa that a later edition of the master list had retired.
Recounted here once when sizes are stored; an empty table stays empty (the figures count
on the fly until the next rebuild)."""

from collections import defaultdict

from django.db import migrations

# Level widths of the dotted code: 34 / 34.04 / 34.04.01 (regions.codes.code_at).
WIDTHS = (8, 5, 2)


def recount(apps, schema_editor):
    RegionSize = apps.get_model("analytics", "RegionSize")
    Region = apps.get_model("regions", "Region")
    if not RegionSize.objects.exists():
        return
    counts = defaultdict(int)
    for code in (
        Region.objects.filter(level=4, retired_in="")
        .values_list("code", flat=True)
        .iterator(chunk_size=20000)
    ):
        for width in WIDTHS:
            counts[code[:width]] += 1
        counts["ID"] += 1
    RegionSize.objects.all().delete()
    RegionSize.objects.bulk_create(
        (RegionSize(region_code=c, desa=n) for c, n in counts.items()), batch_size=5000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_rollup_code_index"),
        ("regions", "0003_region_editions"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
