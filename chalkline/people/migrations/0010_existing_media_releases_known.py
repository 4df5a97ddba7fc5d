"""Students already in the directory keep the media release they have: before 0009 an unknown
release was stored as "no release" for imported students, so what is there is what applied, and
it stays so whatever the district later chooses for unknown releases."""

from typing import Any

from django.db import migrations


def mark_known(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("people", "Person")
    Person.objects.filter(kind="student").update(media_release_known=True)


class Migration(migrations.Migration):
    dependencies = [("people", "0009_person_media_release_known")]

    operations = [migrations.RunPython(mark_known, migrations.RunPython.noop)]
