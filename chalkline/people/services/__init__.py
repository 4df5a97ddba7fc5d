"""People's write paths, one module per concern; each write audits in the same transaction.

- ``districts``: districts, memberships, confirmed SIS roles;
- ``directory_import``: the OneRoster / staff-CSV import (lock, fingerprint, validate, apply);
- ``staff_csv``: merging the supplemental staff file.

The demo loader lives with the demo code (``chalkline.people.demo.loader``).
"""

from chalkline.people.services.directory_import import (
    IMPORT_STALE_AFTER,
    IMPORTER_VERSION,
    ImportBusyError,
    run_directory_import,
    start_directory_import,
)
from chalkline.people.services.districts import (
    RoleSuggestionError,
    create_district,
    decide_role_suggestion,
    grant_membership,
    revoke_membership,
)

__all__ = [
    "IMPORTER_VERSION",
    "IMPORT_STALE_AFTER",
    "ImportBusyError",
    "RoleSuggestionError",
    "create_district",
    "decide_role_suggestion",
    "grant_membership",
    "revoke_membership",
    "run_directory_import",
    "start_directory_import",
]
