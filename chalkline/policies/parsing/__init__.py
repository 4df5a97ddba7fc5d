"""Pure (no ORM) policy importer: bytes as a district publishes them → :class:`ParsedPolicy`."""

from .boilerplate import is_boilerplate
from .core import parse_policy, parsed_to_json, policy_to_json
from .decode import MAX_POLICY_BYTES
from .limits import DEFAULT_LIMITS, ParseLimits
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
from .sandbox import parse_in_child

__all__ = [
    "DEFAULT_LIMITS",
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
    "ParseLimits",
    "ParseWarning",
    "ParsedPolicy",
    "PolicyNumber",
    "PolicyParseError",
    "ReferenceBlock",
    "Section",
    "is_boilerplate",
    "normalize_number",
    "parse_in_child",
    "parse_policy",
    "parsed_to_json",
    "policy_to_json",
    "render_canonical",
]
