"""One index on messages' sent date, and threads by their starter newest first (archive18).

Messages had two indexes on ``sent_at``: the BRIN index of 0005 (retention) and the B-tree of
0003 (the archive). The B-tree stays: it serves the retention sweep's "sent before" as well, and
with the BRIN index there PostgreSQL AND-ed the text index with the BRIN's lossy page ranges for
a word within one month, then re-read and re-parsed every message of those pages (40,000 for
1,258 matches). On SQLite 0005 had made a second B-tree under the BRIN index's name; it goes too.

Threads get (started_by, last_message_at): the inbox of someone who started thousands of
threads reads its page from the index instead of sorting all of them."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

BRIN = "messaging_message_sent_at_idx"


def drop_brin(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(f"DROP INDEX IF EXISTS {BRIN}")


def restore_brin(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {BRIN} ON messaging_message USING brin (sent_at)"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {BRIN} ON messaging_message (sent_at)")


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0013_reach_students_by_grade_keep_blocked_text"),
    ]

    operations = [
        migrations.RunPython(drop_brin, restore_brin, elidable=False),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(
                fields=["started_by", "last_message_at"], name="messaging_thread_starter_idx"
            ),
        ),
    ]
