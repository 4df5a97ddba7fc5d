"""Issues found while reading a roster package, collected with bounded memory.

An issue names the file, line and column, and at most a sourcedId: never a name, an email or
any other personal detail, so a report can be logged, shown to district staff and stored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from .idset import IdSet


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Issue:
    severity: Severity
    code: str
    file: str
    line: int | None
    column: str | None
    message: str
    sourced_id: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f" [{self.column}]"
        ident = f" (sourcedId {self.sourced_id})" if self.sourced_id else ""
        return f"{self.severity}: {where}: {self.code}: {self.message}{ident}"


@dataclass(slots=True)
class Report:
    """Errors and warnings, at most ``cap_per_code`` kept per code; every one is counted."""

    cap_per_code: int = 100
    issues: list[Issue] = field(default_factory=list)
    counts: Counter[tuple[Severity, str]] = field(default_factory=Counter)
    refused: IdSet = field(default_factory=IdSet)

    def refuse(self, file: str, sourced_id: str) -> None:
        """Remember a refused row so references to it are not also reported as dangling."""
        self.refused.add(f"{file}\x1f{sourced_id}")

    def was_refused(self, file: str, sourced_id: str) -> bool:
        return f"{file}\x1f{sourced_id}" in self.refused

    def add(
        self,
        severity: Severity,
        code: str,
        file: str,
        line: int | None,
        column: str | None,
        message: str,
        *,
        sourced_id: str | None = None,
    ) -> None:
        key = (severity, code)
        self.counts[key] += 1
        if self.counts[key] <= self.cap_per_code:
            self.issues.append(Issue(severity, code, file, line, column, message, sourced_id))

    def error(
        self,
        code: str,
        file: str,
        line: int | None,
        column: str | None,
        message: str,
        *,
        sourced_id: str | None = None,
    ) -> None:
        self.add(Severity.ERROR, code, file, line, column, message, sourced_id=sourced_id)

    def warning(
        self,
        code: str,
        file: str,
        line: int | None,
        column: str | None,
        message: str,
        *,
        sourced_id: str | None = None,
    ) -> None:
        self.add(Severity.WARNING, code, file, line, column, message, sourced_id=sourced_id)

    def info(self, code: str, file: str, message: str) -> None:
        self.add(Severity.INFO, code, file, None, None, message)

    @property
    def error_count(self) -> int:
        return sum(n for (sev, _), n in self.counts.items() if sev is Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return sum(n for (sev, _), n in self.counts.items() if sev is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when nothing was refused: an importer may apply the package."""
        return self.error_count == 0

    def count(self, code: str) -> int:
        return sum(n for (_, c), n in self.counts.items() if c == code)

    def codes(self, severity: Severity | None = None) -> set[str]:
        return {c for (sev, c) in self.counts if severity is None or sev is severity}

    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    def truncated(self) -> dict[str, int]:
        """Per code, how many issues were counted but not kept."""
        return {
            code: n - self.cap_per_code
            for (_, code), n in self.counts.items()
            if n > self.cap_per_code
        }

    def summary(self) -> str:
        parts = [f"{self.error_count} error(s)", f"{self.warning_count} warning(s)"]
        hidden = self.truncated()
        if hidden:
            parts.append(f"{sum(hidden.values())} more not listed")
        return ", ".join(parts)
