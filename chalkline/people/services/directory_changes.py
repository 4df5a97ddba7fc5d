"""The district's directory generation: one counter that every write to its people,
affiliations or guardian links raises, in the same transaction as the write.

The screening roster index (``chalkline.people.roster_index``) reads it, with the district's email
domains, as its directory version: one primary-key read instead of counting a directory of a
hundred thousand people every ``ROSTER_INDEX_CHECK_SECONDS`` in every process.

Call ``note_directory_changed`` last in the write's transaction: the UPDATE takes the district
row's lock until the commit, so two writers never both read the same generation (a reader that
saw generation n before a write commits sees n + 1 after it), and the lock is held only for the
end of the transaction. A write that changes nothing the index reads (a dry run, an import of
identical files, a save that changed no field) leaves the generation alone.

``chalkline/people/tests/test_directory_generation.py`` lists every module that writes these
tables and fails when a new one does not call this function.
"""

from __future__ import annotations

from django.db.models import F

from chalkline.people.models import District


def note_directory_changed(*, district_id: int) -> None:
    """Raise the district's directory generation (inside the caller's transaction)."""
    District.objects.filter(pk=district_id).update(
        directory_generation=F("directory_generation") + 1
    )
