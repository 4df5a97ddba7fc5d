"""Records a case cites by reference (issue 19, point 4): "Archived messages are cited by
reference and their hashes are re-checked when the case is opened, never copied."

Cases sits beside messaging in the domain row and may not import it, so the reader of each kind
of cited record is registered from above at start-up (``chalkline.workflows.message_referral``).
Each time the case page opens, every reader re-reads its records and recomputes their SHA-256:
the page shows "hash verified" or "MISMATCH" for each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chalkline.cases.models import Case


@dataclass(frozen=True)
class Citation:
    kind: str
    label: str
    sender: str
    sent_at: str
    recipients: list[str]
    body: str
    cited_sha256: str
    current_sha256: str
    thread: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return bool(self.cited_sha256) and self.cited_sha256 == self.current_sha256


Reader = Callable[[Case], list[Citation]]

_READERS: list[Reader] = []


def register_citation_reader(reader: Reader) -> None:
    if reader not in _READERS:
        _READERS.append(reader)


def citations_for(case: Case) -> list[Citation]:
    out: list[Citation] = []
    for reader in _READERS:
        out.extend(reader(case))
    return out
