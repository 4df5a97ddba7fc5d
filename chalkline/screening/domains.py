"""The District's email domains, when no configuration names them: read from staff emails.

A roster without ``chalkline.json`` says nothing about which addresses are the District's, and
without that every address in a message looks like a possible personal channel, a teacher's own
District address included. Staff addresses say it: the domains most staff use are the
District's. Consumer mail providers are never District domains, however many staff use them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

#: Mail providers anyone can sign up to: never a District domain.
CONSUMER_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "ymail.com",
        "rocketmail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "mail.com",
        "zoho.com",
        "comcast.net",
        "att.net",
        "sbcglobal.net",
        "verizon.net",
    }
)
#: A domain counts when at least this share of the staff addresses use it (the most common one
#: always counts): a District with two domains keeps both, one teacher's family domain does not.
MIN_SHARE = 0.10


def district_domains_from_staff(
    emails: Iterable[str], *, exclude: Iterable[str] = ()
) -> tuple[str, ...]:
    """The District's domains as the staff addresses show them, most used first: every domain
    that at least MIN_SHARE of the addresses use (and at least two, unless it is the only
    one), leaving out consumer providers and ``exclude`` (the student email domains)."""
    skip = CONSUMER_DOMAINS | {d.lower().lstrip("@") for d in exclude}
    counts: Counter[str] = Counter()
    for email in emails:
        local, at, domain = email.strip().lower().rpartition("@")
        if not at or not local or "." not in domain:
            continue
        counts[domain] += 1
    total = sum(counts.values())
    ranked = [(d, n) for d, n in counts.most_common() if d not in skip]
    if not ranked:
        return ()
    top = ranked[0][0]
    return tuple(d for d, n in ranked if d == top or (n >= 2 and n >= MIN_SHARE * total))
