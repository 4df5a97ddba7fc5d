"""People's write paths, one module per concern; each write audits in the same transaction.

- ``districts``: districts, memberships, confirmed SIS roles;
- ``directory_import``: the OneRoster / staff-CSV import (fingerprint, validate, apply);
- ``import_lock``: one import per district, its heartbeat, takeover, and the uploads sweep;
- ``staff_csv``: merging the supplemental staff file.

The demo loader lives with the demo code (``chalkline.people.demo.loader``).
"""

from chalkline.people.services.directory_import import (
    IMPORTER_VERSION,
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
from chalkline.people.services.import_lock import (
    ImportBusyError,
    NothingToTakeOver,
    current_import,
    sweep_uploads,
    take_over_import_lock,
)

__all__ = [
    "IMPORTER_VERSION",
    "ImportBusyError",
    "NothingToTakeOver",
    "RoleSuggestionError",
    "create_district",
    "current_import",
    "decide_role_suggestion",
    "grant_membership",
    "revoke_membership",
    "run_directory_import",
    "start_directory_import",
    "sweep_uploads",
    "take_over_import_lock",
]
