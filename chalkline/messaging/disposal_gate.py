"""The one door through which a sent message may leave the database: records disposal.

Messages and retractions stay append-only (chalkline.lib.appendonly), except that a DELETE goes
through when the message already has a tombstone written by a disposal run that is still
``running``, which is only ever true inside that run's own transaction (the run is committed
``done``). On PostgreSQL the transaction must also have said ``SET LOCAL chalkline.disposal =
'on'``. Ordinary code, which writes neither, still cannot delete a message, and a message can
never go without leaving its tombstone."""

from __future__ import annotations

from chalkline.lib.appendonly import Guard

PG_SETTING = "chalkline.disposal"

_RUNNING = (
    "EXISTS (SELECT 1 FROM messaging_tombstone t JOIN messaging_disposalrun r "
    "ON r.id = t.run_id WHERE t.message_id = OLD.{column} AND r.state = 'running')"
)
_PG_FLAG = f"COALESCE(current_setting('{PG_SETTING}', true), '') = 'on'"

OLD_GUARDS = (
    Guard(table="messaging_message", message="never edited"),
    Guard(table="messaging_retraction", message="never changed"),
)

GATED_GUARDS = (
    Guard(
        table="messaging_message",
        message="never edited (only a records disposal run may delete)",
        delete_unless=_RUNNING.format(column="id"),
        delete_unless_postgresql=_PG_FLAG,
    ),
    Guard(
        table="messaging_retraction",
        message="never changed (only a records disposal run may delete)",
        delete_unless=_RUNNING.format(column="message_id"),
        delete_unless_postgresql=_PG_FLAG,
    ),
)

TOMBSTONE_GUARDS = (
    Guard(table="messaging_tombstone", message="a permanent disposal record"),
    Guard(
        table="messaging_disposalrun",
        name="messaging_disposalrun",
        message="final once done",
        when="OLD.state = 'done'",
    ),
)


# Parts of the hub whose rows belong to one message and are append-only too: their rows go with
# the message in a disposal run, through the same gate (attachments, urgent marks).
DEPENDENT_OLD_GUARDS = (
    Guard(table="messaging_attachment", message="never changed"),
    Guard(table="messaging_urgentmark", message="never changed"),
)

DEPENDENT_GATED_GUARDS = (
    Guard(
        table="messaging_attachment",
        message="never changed (only a records disposal run may delete)",
        delete_unless=_RUNNING.format(column="message_id"),
        delete_unless_postgresql=_PG_FLAG,
    ),
    Guard(
        table="messaging_urgentmark",
        message="never changed (only a records disposal run may delete)",
        delete_unless=_RUNNING.format(column="message_id"),
        delete_unless_postgresql=_PG_FLAG,
    ),
)
