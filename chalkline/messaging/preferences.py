"""How each recipient wants hub messages: in the app or by e-mail, at once or in a daily digest.

This is the ONE place the hub reads contact preferences. Another part adds
``messaging.ContactPreference(person, channel in_app|email, cadence immediate|digest, language)``;
when that model is installed its rows are used, and until then (and for anyone without a row)
the documented default applies:

- a person with an active account: in the app, at once;
- a person without one but with an e-mail address on the roster: by e-mail, at once;
- anyone else: in the app (the message waits in the hub; they are "unreachable" until invited).

E-mail needs an address: an ``email`` preference without one falls back to the app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from chalkline.people.models import Person, User

#: added by another part of issue 18; looked up by name so this module works before it lands
PREFERENCE_MODEL: str = "messaging." + "ContactPreference"
IN_APP = "in_app"
EMAIL = "email"
IMMEDIATE = "immediate"
DIGEST = "digest"


@dataclass(frozen=True)
class Preference:
    channel: str = IN_APP
    cadence: str = IMMEDIATE
    address: str = ""

    @property
    def by_email(self) -> bool:
        return self.channel == EMAIL and bool(self.address)


def _stored(person_ids: list[int]) -> dict[int, tuple[str, str]]:
    try:
        model: Any = apps.get_model(PREFERENCE_MODEL)
    except LookupError:
        return {}
    rows = model.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "channel", "cadence"
    )
    return {pid: (str(channel), str(cadence)) for pid, channel, cadence in rows}


def contact_preferences(people: Iterable[Person]) -> dict[int, Preference]:
    """Each person's preference, by person id (three queries whatever the number of people)."""
    by_pk = {p.pk: p for p in people}
    ids = list(by_pk)
    with_account = set(
        User.objects.filter(person_id__in=ids, is_active=True).values_list("person_id", flat=True)
    )
    stored = _stored(ids)
    out: dict[int, Preference] = {}
    for pk, person in by_pk.items():
        address = (person.email or "").strip()
        if pk in stored:
            channel, cadence = stored[pk]
        elif pk in with_account or not address:
            channel, cadence = IN_APP, IMMEDIATE
        else:
            channel, cadence = EMAIL, IMMEDIATE
        out[pk] = Preference(channel=channel, cadence=cadence, address=address)
    return out
