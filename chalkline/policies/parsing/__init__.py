"""Pure (no ORM) policy importer: bytes as a district publishes them → :class:`ParsedPolicy`."""

from .boilerplate import is_boilerplate
from .core import parse_policy, policy_to_json
from .decode import MAX_POLICY_BYTES
from .model import (
    Actor,
    CrossReference,
    Definition,
    Duty,
    HistoryEvent,
    Item,
    ItemList,
    LegalReference,
    ManualSection,
    Paragraph,
    ParsedPolicy,
    ParseWarning,
    PolicyNumber,
    PolicyParseError,
    ReferenceBlock,
    Section,
    render_canonical,
)
from .numbering import normalize_number

__all__ = [
    "MAX_POLICY_BYTES",
    "Actor",
    "CrossReference",
    "Definition",
    "Duty",
    "HistoryEvent",
    "Item",
    "ItemList",
    "LegalReference",
    "ManualSection",
    "Paragraph",
    "ParseWarning",
    "ParsedPolicy",
    "PolicyNumber",
    "PolicyParseError",
    "ReferenceBlock",
    "Section",
    "is_boilerplate",
    "normalize_number",
    "parse_policy",
    "policy_to_json",
    "render_canonical",
]
