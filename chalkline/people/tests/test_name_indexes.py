"""The indexes a case-blind name or sign-in-name lookup reads (people migrations 0013, 0014):
trigram GIN indexes on people's names on PostgreSQL, a B-tree on UPPER(username) on both."""

from __future__ import annotations

import pytest
from django.db import connection

from chalkline.people.models import Person, User
from conftest import make_district, make_person

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cur:
        return set(connection.introspection.get_constraints(cur, table))


def test_sign_in_names_have_a_case_blind_index() -> None:
    assert "user_username_upper_idx" in _indexes("people_user")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_each_name_column_has_a_trigram_index() -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people_person' "
            "AND indexdef LIKE '%%gin_trgm_ops%%' ORDER BY indexname"
        )
        rows = cur.fetchall()
    assert [name for name, _ in rows] == [
        "people_person_family_name_trgm",
        "people_person_given_name_trgm",
        "people_person_preferred_name_trgm",
    ]
    for name, definition in rows:
        column = name.removeprefix("people_person_").removesuffix("_trgm")
        # the very expression Django writes for name__icontains, or the index is never read
        assert f"upper(({column})::text) gin_trgm_ops" in definition


def test_a_name_fragment_and_a_sign_in_name_are_found_in_any_case() -> None:
    d = make_district("prairie", "Prairie Valley CUSD 5")
    ana = make_person(d, given_name="Anabel", family_name="Okafor")
    User.objects.create(username="AOkafor", person=ana)
    assert list(
        Person.objects.filter(district=d, family_name__icontains="kaf").values_list("pk", flat=True)
    ) == [ana.pk]
    assert User.objects.get(username__iexact="aokafor").person_id == ana.pk
