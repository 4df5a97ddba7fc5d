"""The import report as stored on the batch: issues as JSON, counts, one line an issue."""

from __future__ import annotations

from typing import Any

from chalkline.lib.oneroster import Issue, Report, Severity


def issues_as_json(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "severity": str(i.severity),
            "code": i.code,
            "file": i.file,
            "line": i.line,
            "column": i.column,
            "message": i.message,
            "sourced_id": i.sourced_id,
        }
        for i in report.issues
    ]


def issue_counts(report: Report) -> dict[str, int]:
    return {f"{sev}:{code}": n for (sev, code), n in sorted(report.counts.items())}


def format_issue(issue: dict[str, Any]) -> str:
    return str(
        Issue(
            Severity(issue["severity"]),
            issue["code"],
            issue["file"],
            issue["line"],
            issue["column"],
            issue["message"],
            issue.get("sourced_id"),
        )
    )
