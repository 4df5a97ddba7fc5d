"""The password hasher: Argon2id with OWASP's recommended configuration.

Django's own ``Argon2PasswordHasher`` uses 100 MiB of memory, 2 passes and 8 lanes: about 270 ms of
CPU for every password sign-in on a 2-core node (docs/benchmarks.md, "The production stack"),
which alone breaks the 300 ms target for a write under load, and 8 lanes on 2 cores queue behind
each other. The OWASP Password Storage Cheat Sheet recommends Argon2id with at least 19 MiB of
memory, 2 iterations and 1 degree of parallelism; that is what this hasher uses (about 50-80 ms).

Only the parameters differ: the algorithm name stays ``argon2``, so hashes made with Django's
defaults still verify, and Django stores the new parameters at the user's next sign-in
(``must_update``). Accounts that sign in through the district's identity provider have no
password at all.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB: 19 MiB
    parallelism = 1
