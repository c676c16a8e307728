# Region sizes (the 'expected' of coverage) now live beside the regions they count.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0003_region_editions'),
    ]

    operations = [
        migrations.CreateModel(
            name='RegionSize',
            fields=[
                ('region_code', models.CharField(max_length=13, primary_key=True, serialize=False)),
                ('desa', models.IntegerField()),
            ],
        ),
    ]
