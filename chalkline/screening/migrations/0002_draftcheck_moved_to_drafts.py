"""DraftCheck moved to the ``drafts`` app. State only: the table ``screening_draftcheck`` and its
rows stay where they are, and ``drafts.0001_draftcheck_from_screening`` takes the model over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_draft_checks")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DraftCheck")],
            database_operations=[],
        )
    ]
