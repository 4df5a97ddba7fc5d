"""Pure (no ORM) reader for OneRoster 1.1/1.2 CSV packages and the Chalkline staff CSV.

Typical use by the import service::

    with open_package(path) as pkg:
        result = validate_package(pkg)          # one streaming pass, cross-file checks
        if not result.ok:
            return result.report                # refuse: nothing is applied
        for org in pkg.orgs(): ...
        for user in pkg.users(): ...
        for role in pkg.roles(): ...            # 1.1 derived from users.csv, 1.2 roles.csv
        for link in guardian_links(pkg, result.user_kinds): ...
        for flags in pkg.student_flags(): ...

See docs/oneroster.md.
"""

from .idset import IdMap, IdSet
from .package import Package, PackageError, UnsafePackageError, ZipLimits, open_package
from .records import (
    AcademicSessionRecord,
    ClassRecord,
    CourseRecord,
    EnrollmentRecord,
    FileMode,
    GuardianLink,
    OrgRecord,
    RoleRecord,
    Source,
    StudentFlagsRecord,
    UserRecord,
)
from .report import Issue, Report, Severity
from .roles import PersonKind, SuggestedRole
from .validate import ValidationResult, guardian_links, kinds_of, validate_package
from .values import Status

__all__ = [
    "AcademicSessionRecord",
    "ClassRecord",
    "CourseRecord",
    "EnrollmentRecord",
    "FileMode",
    "GuardianLink",
    "IdMap",
    "IdSet",
    "Issue",
    "OrgRecord",
    "Package",
    "PackageError",
    "PersonKind",
    "Report",
    "RoleRecord",
    "Severity",
    "Source",
    "Status",
    "StudentFlagsRecord",
    "SuggestedRole",
    "UnsafePackageError",
    "UserRecord",
    "ValidationResult",
    "ZipLimits",
    "guardian_links",
    "kinds_of",
    "open_package",
    "validate_package",
]
