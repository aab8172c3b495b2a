"""The database cache's table (settings.CACHES), so that `migrate` alone prepares a database."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_person_name_order_index")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
