"""The directory import engine: a OneRoster package (or the staff CSV) into the directory.

Set-based, with bounded memory, for the largest district (2.6M people, 6M enrollments):

1. **Validate** the package with the reader (``validate_package``); a package with errors is
   refused whole and nothing is written (a bulk file with refused rows is incomplete, and
   applying it would deactivate the people in those rows). A large package is validated in a
   child process while the parent stages it (``validation``).
2. **Stage**: stream the records into TEMP tables (PostgreSQL ``COPY FROM STDIN``, SQLite
   ``executemany``), each row with a 64-bit hash of its imported fields. Outside the apply
   transaction: temp tables belong to this connection only (``staging``).
3. **Apply** in ONE transaction with set-based SQL: ``INSERT ... SELECT`` for new rows,
   ``UPDATE ... FROM`` the staging table where the stored hash (or the status) differs,
   ``UPDATE ... SET active = false`` for rows missing from a bulk file, reactivation of rows
   that come back. Nothing is ever deleted. Every touched row carries the batch id
   (``apply``, ``people``).

Python never holds the people or enrollments in memory: ids are joined in the database.
"""

from .apply import Applier
from .common import (
    ACTIONS,
    BUILDING_ORG_TYPES,
    CREDENTIALS_NOTE,
    ENTITIES,
    ImportRefused,
    Outcome,
    Progress,
    now_iso,
    row_hash,
)
from .report import format_issue, issue_counts, issues_as_json
from .staging import (
    Loader,
    create_staging,
    drop_staging,
    import_connection,
    stage_package,
)
from .validation import Validation, validate

__all__ = [
    "ACTIONS",
    "BUILDING_ORG_TYPES",
    "CREDENTIALS_NOTE",
    "ENTITIES",
    "Applier",
    "ImportRefused",
    "Loader",
    "Outcome",
    "Progress",
    "Validation",
    "create_staging",
    "drop_staging",
    "format_issue",
    "import_connection",
    "issue_counts",
    "issues_as_json",
    "now_iso",
    "row_hash",
    "stage_package",
    "validate",
]
