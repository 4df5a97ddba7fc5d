"""Policies and versions: import, drafts, publishing, immutability and clause ids across versions."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.lib.appendonly import AppendOnlyError
from chalkline.policies import services
from chalkline.policies.models import (
    Clause,
    ImmutableVersionError,
    Policy,
    PolicyVersion,
    VersionStatus,
)
from chalkline.policies.parsing import parse_policy
from conftest import make_district

from .factories import LOGO_NEW, NEW_DUTY, SEED_TEXT, import_seed, seed_v2_text, small_policy

pytestmark = pytest.mark.django_db


def test_the_seed_imports_with_everything_found(superintendent, world) -> None:
    version = import_seed(world.district, by=superintendent, publish=False)
    assert version.status == VersionStatus.DRAFT and version.seq == 1
    policy = version.policy
    assert (policy.number, policy.number_raw, policy.section_name) == (
        "5:125",
        "5:125",
        "General Personnel",
    )
    assert policy.title == "Personal Technology and Social Media; Usage and Conduct"
    parsed = version.parsed
    assert {d["term"] for d in parsed["definitions"]} == {
        "Includes",
        "Social media",
        "Personal technology",
        "Electronic Communication",
    }
    assert len(parsed["duties"]) == 21
    assert {c["number"]["raw"] for c in parsed["cross_references"]} == {
        "5:120",
        "5:20",
        "6:235",
        "7:20",
        "5:130",
        "5:170",
    }
    citations = {r["citation"] for r in parsed["legal_references"]}
    assert {"23 Ill.Admin.Code §22.20", "Abused and Neglected Child Reporting Act"} <= citations
    assert (version.adopted_on, version.revised_on) == (date(2014, 9, 29), date(2019, 12, 16))
    assert len(version.sha256) == 64
    ids = set(version.clauses.values_list("clause_id", flat=True))
    assert "5:125/use-of-personal-technology/6" in ids
    assert "5:125/the-superintendent-or-designee-shall/3.1" in ids
    assert "5:125/definitions/social-media" in ids
    sub = Clause.objects.get(
        version=version, clause_id="5:125/the-superintendent-or-designee-shall/3.1"
    )
    assert sub.parent is not None
    assert sub.parent.clause_id == "5:125/the-superintendent-or-designee-shall/3"
    assert sub.marker == "1." and sub.depth == 1
    event = AuditEvent.objects.get(action="policies.imported")
    assert event.actor_id == superintendent.pk and event.target_id == str(version.pk)


def test_importing_a_known_number_makes_a_new_draft_not_a_second_policy(world) -> None:
    first = import_seed(world.district)
    again = services.import_policy(district=world.district, data=seed_v2_text().encode(), by=None)
    assert not again.created_policy and not again.unchanged
    assert again.policy.pk == first.policy_id
    assert Policy.objects.filter(district=world.district).count() == 1
    assert (again.version.seq, again.version.status) == (2, VersionStatus.DRAFT)


def test_reimporting_the_same_text_changes_nothing(world) -> None:
    first = import_seed(world.district)
    events = AuditEvent.objects.count()
    again = services.import_policy(
        district=world.district, data=SEED_TEXT.replace("\n", "\r\n").encode(), by=None
    )
    assert again.unchanged and again.version.pk == first.pk
    assert PolicyVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_importing_over_an_open_draft_replaces_that_draft(world) -> None:
    import_seed(world.district)
    draft = services.import_policy(district=world.district, data=seed_v2_text().encode(), by=None)
    other = seed_v2_text().replace("mascots", "mascots and uniforms")
    replaced = services.import_policy(district=world.district, data=other.encode(), by=None)
    assert replaced.version.pk == draft.version.pk and replaced.version.seq == 2
    assert "uniforms" in PolicyVersion.objects.get(pk=draft.version.pk).canonical_text
    assert AuditEvent.objects.filter(action="policies.draft_replaced").count() == 1


def test_the_same_number_in_another_district_is_another_policy(world) -> None:
    import_seed(world.district)
    import_seed(world.other_district)
    assert Policy.objects.filter(number="5:125").count() == 2


def test_publishing_needs_a_summary_and_supersedes_the_previous_version(world) -> None:
    designee = world.users["designee"]
    v1 = import_seed(world.district)
    v2 = services.import_policy(
        district=world.district, data=seed_v2_text().encode(), by=None
    ).version
    with pytest.raises(services.PolicyStateError, match="change summary"):
        services.publish_policy_version(version=v2, change_summary="  ", material=True, by=designee)
    published = services.publish_policy_version(
        version=v2, change_summary="Logos and training", material=True, by=designee
    )
    v1.refresh_from_db()
    assert (v1.status, published.status) == (VersionStatus.SUPERSEDED, VersionStatus.PUBLISHED)
    assert v1.superseded_at is not None and published.published_by == designee
    assert published.material and published.change_summary == "Logos and training"
    event = AuditEvent.objects.filter(action="policies.published").order_by("-seq").first()
    assert event is not None and event.actor_id == designee.pk
    assert f'"superseded":{v1.pk}' in event.before.replace(" ", "")
    with pytest.raises(services.PolicyStateError):
        services.publish_policy_version(version=v1, change_summary="again", material=False, by=None)


def test_a_published_version_never_changes(world) -> None:
    version = import_seed(world.district)
    # 1. the services refuse
    with pytest.raises(services.PolicyStateError):
        services.edit_policy_draft(version=version, text=SEED_TEXT + "\nMore.", by=None)
    # 2. the model refuses
    version.canonical_text = "tampered"
    with pytest.raises(ImmutableVersionError):
        version.save()
    with pytest.raises(ImmutableVersionError):
        version.save(update_fields=["canonical_text"])
    with pytest.raises(ImmutableVersionError):
        PolicyVersion.objects.get(pk=version.pk).delete()
    # 3. the database refuses, whoever sends the UPDATE
    for change in (
        {"canonical_text": "tampered"},
        {"sha256": "0" * 64},
        {"change_summary": "rewritten"},
        {"status": VersionStatus.DRAFT},
        {"material": False},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PolicyVersion.objects.filter(pk=version.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        Clause.objects.filter(version=version).update(text="tampered")
    stored = PolicyVersion.objects.get(pk=version.pk)
    assert stored.canonical_text == parse_policy(SEED_TEXT.encode()).canonical_text


def test_the_database_refuses_deleting_a_published_version(world) -> None:
    version = import_seed(world.district)
    for sql in (
        "DELETE FROM policies_clause WHERE version_id = %s",
        "DELETE FROM policies_policyversion WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="frozen once published"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [version.pk])
    assert PolicyVersion.objects.filter(pk=version.pk).exists()
    assert isinstance(ImmutableVersionError("x"), AppendOnlyError)


def test_the_database_still_lets_a_draft_be_deleted(world) -> None:
    draft = import_seed(world.district, publish=False)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM policies_clause WHERE version_id = %s", [draft.pk])
        cursor.execute("DELETE FROM policies_policyversion WHERE id = %s", [draft.pk])
    assert not PolicyVersion.objects.filter(pk=draft.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgres_refuses_truncating_versions_and_clauses(world) -> None:
    import_seed(world.district)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
    for table in ("policies_clause", "policies_policyversion", "policies_guidelineversion"):
        with (
            pytest.raises(IntegrityError, match="TRUNCATE refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")


def test_the_database_refuses_a_published_row_without_summary(world) -> None:
    draft = import_seed(world.district, publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.filter(pk=draft.pk).update(
            status=VersionStatus.PUBLISHED, published_at=timezone.now()
        )


def test_the_database_refuses_a_second_open_draft(world) -> None:
    draft = import_seed(world.district, publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(
            policy=draft.policy,
            district=world.district,
            seq=9,
            title="t",
            canonical_text="t",
            sha256="0" * 64,
            parsed={},
        )


def test_a_draft_can_be_edited_and_its_dates_set(superintendent, world) -> None:
    draft = import_seed(world.district, publish=False)
    edited = services.edit_policy_draft(
        version=draft,
        text=SEED_TEXT.replace(
            "Refrain from using the District’s logos without permission.", LOGO_NEW
        ),
        adopted_on=date(2014, 10, 1),
        by=superintendent,
    )
    assert "mascots" in edited.canonical_text
    assert edited.adopted_on == date(2014, 10, 1) and edited.revised_on == date(2019, 12, 16)
    assert edited.clauses.get(clause_id="5:125/use-of-personal-technology/7").text.startswith(
        "Refrain from using the District’s logos or mascots"
    )
    assert AuditEvent.objects.filter(action="policies.draft_edited").exists()


def test_editing_a_draft_into_another_policy_number_is_refused(world) -> None:
    draft = import_seed(world.district, publish=False)
    with pytest.raises(services.PolicyImportError, match="not policy 5:125"):
        services.edit_policy_draft(version=draft, text=SEED_TEXT.replace("5:125", "5:126"), by=None)


def test_clause_ids_are_carried_across_versions(world) -> None:
    v1 = import_seed(world.district)
    v2 = services.import_policy(
        district=world.district, data=seed_v2_text().encode(), by=None
    ).version
    before = dict(v1.clauses.values_list("text", "clause_id"))
    after = dict(v2.clauses.values_list("clause_id", "text"))
    # duty 6 (student records) is now item 7 of the list but keeps the id screening cites
    six = "5:125/use-of-personal-technology/6"
    assert after[six].startswith("Not disclose student record information")
    assert v2.clauses.get(clause_id=six).marker == "7."
    # the lightly reworded logo duty keeps its id
    logo_id = before["Refrain from using the District’s logos without permission."]
    assert after[logo_id] == LOGO_NEW
    # the new duty gets a fresh id that no earlier version used
    new_id = v2.clauses.get(text=NEW_DUTY).clause_id
    assert new_id not in set(v1.clauses.values_list("clause_id", flat=True))


def test_a_retired_clause_id_is_never_reissued(world) -> None:
    body = "Purpose\n\nStaff shall:\n\n  1. Do the first thing carefully.\n\n  2. Do the second thing well.\n"
    data = small_policy("2:10", "Test Policy", body)
    v1 = services.import_policy(district=world.district, data=data, by=None).version
    services.publish_policy_version(version=v1, change_summary="a", material=False, by=None)
    gone = body.replace("  1. Do the first thing carefully.\n\n  2.", "  1.")
    v2 = services.import_policy(
        district=world.district, data=small_policy("2:10", "Test Policy", gone), by=None
    ).version
    services.publish_policy_version(version=v2, change_summary="b", material=False, by=None)
    back = gone.replace(
        "  1. Do the second thing well.",
        "  1. Sing a completely unrelated song.\n\n  2. Do the second thing well.",
    )
    v3 = services.import_policy(
        district=world.district, data=small_policy("2:10", "Test Policy", back), by=None
    ).version
    ids1 = set(v1.clauses.filter(kind="item").values_list("clause_id", flat=True))
    ids3 = dict(v3.clauses.filter(kind="item").values_list("text", "clause_id"))
    retired = ids1 - set(v2.clauses.values_list("clause_id", flat=True))
    assert retired  # the first item's id was retired by version 2
    assert ids3["Sing a completely unrelated song."] not in retired


def test_a_text_without_number_needs_one(world) -> None:
    data = b"Staff Conduct\n\nEmployees shall behave professionally at all times.\n"
    with pytest.raises(services.NeedsNumber):
        services.import_policy(district=world.district, data=data, by=None)
    result = services.import_policy(district=world.district, data=data, number="3:40", by=None)
    assert result.policy.number == "3:040" and result.policy.number_raw == "3:40"
    assert result.version.clauses.filter(clause_id__startswith="3:040/").exists()
    with pytest.raises(services.PolicyImportError, match="not a policy number"):
        services.import_policy(district=world.district, data=data, number="!!", by=None)


def test_bad_input_raises_a_clear_message(world) -> None:
    for data, message in (
        (b"", "empty"),
        (b"\x00\x01\x02binary" * 100, "binary"),
        (b"\x89PNG\r\n\x1a\n" + b"x" * 100, "PNG"),
    ):
        with pytest.raises(services.PolicyImportError, match=message):
            services.import_policy(district=world.district, data=data, by=None)
    assert not Policy.objects.exists()


def test_a_second_district_does_not_share_a_chain_or_policy(world) -> None:
    d = make_district()
    import_seed(d)
    assert not Policy.objects.filter(district=world.district).exists()


def test_changes_since_reports_clauses_by_their_stable_ids(world) -> None:
    from chalkline.policies.selectors import changes_since

    v1 = import_seed(world.district)
    v2 = import_seed(world.district, text=seed_v2_text())
    changes = changes_since(v2, v1)  # either order: older first
    assert (changes.old.pk, changes.new.pk) == (v1.pk, v2.pk)
    kinds = {c.clause_id: c.change for c in changes.clauses}
    assert kinds["5:125/use-of-personal-technology/7"] == "changed"
    assert list(kinds.values()).count("added") == 1
    assert "removed" not in kinds.values()
    # renumbered but unchanged duties are not reported
    assert "5:125/use-of-personal-technology/6" not in kinds
    assert changes.material and [v.seq for v in changes.versions_between] == [2]
    assert not changes.identical and "<ins>" in changes.redline
    assert changes_since(v1, v1).identical
