"""Sign-in: Django's model backend, with a username or an email address, refusing an account
whose person record is inactive, and a password for an account in the domains of a district that
signs its staff in with its own provider (``local_password_allowed``).

A leaver (their person deactivated by a roster import) can neither sign in nor keep using a
session: ``get_user`` runs for every request with a session, and returns nobody for them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from chalkline.people.models import User
from chalkline.people.services.sign_in import local_password_allowed


def account_for(login: str) -> User | None:
    """The account a sign-in name means: the exact username, else the one account whose email
    (or whose staff record's email) is this address, compared case-insensitively. An address two
    accounts share means nobody: which of them would it be?"""
    login = login.strip()
    if not login:
        return None
    user = User.objects.filter(username=login).first()
    if user is not None or "@" not in login:
        return user
    matches = list(
        User.objects.filter(Q(email__iexact=login) | Q(person__email__iexact=login))
        .distinct()
        .order_by("pk")[:2]
    )
    return matches[0] if len(matches) == 1 else None


class ChalklineBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = account_for(username)
        if user is None:
            # Hash anyway, so that an unknown or ambiguous name takes as long as a wrong password.
            User().set_password(password)
            return None
        if (
            user.check_password(password)
            and self.user_can_authenticate(user)
            and local_password_allowed(user)
        ):
            return user
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        person = getattr(user, "person", None)
        return person is None or person.active

    def get_user(self, user_id: Any) -> User | None:
        # one query with the person, not two
        user = User.objects.select_related("person").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
