from django.db import migrations


def retire_placeholder_site(apps, schema_editor):
    """A fresh database starts with a catch-all default site on localhost:80; the group has none.

    Without it, a host that no site of the group claims answers 404 instead of the placeholder page.
    """
    Site = apps.get_model("wagtailcore", "Site")
    Site.objects.filter(is_default_site=True, hostname="localhost", port=80,
                        root_page__content_type__app_label="wagtailcore",
                        root_page__content_type__model="page").delete()


class Migration(migrations.Migration):
    dependencies = [("huimin_sites", "0002_national_column_types"), ("wagtailcore", "0002_initial_data")]
    operations = [migrations.RunPython(retire_placeholder_site, migrations.RunPython.noop)]
