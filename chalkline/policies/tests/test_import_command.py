"""``chalkline import-policy``: JSON without the database, import, publish, idempotence, bad input."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chalkline.audit.models import AuditEvent
from chalkline.policies.models import Policy, PolicyVersion, VersionStatus

from .factories import seed_v2_text
from .helpers import DATA, SEED


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_policy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_prints_the_parse_and_touches_no_database() -> None:
    # no django_db mark: any query would fail the test
    out, _ = run(str(SEED), "--json")
    data = json.loads(out)
    assert data["number"]["normalized"] == "5:125"
    assert len(data["definitions"]) == 4 and len(data["duties"]) == 21
    assert "5:125/use-of-personal-technology/6" in {c["id"] for c in data["clauses"]}


@pytest.mark.django_db
def test_demo_import_publishes_once_and_is_idempotent(world) -> None:
    args = (str(SEED), "--district", "prairie", "--publish", "--summary", "Imported")
    out, _ = run(*args)
    assert "new policy, version 1 published" in out
    version = PolicyVersion.objects.get()
    assert version.status == VersionStatus.PUBLISHED and version.change_summary == "Imported"
    assert AuditEvent.objects.filter(action="policies.published", actor_id=None).count() == 1
    out, _ = run(*args)
    assert "unchanged" in out and "nothing to do" in out
    assert PolicyVersion.objects.count() == 1


@pytest.mark.django_db
def test_a_changed_file_becomes_a_new_draft(world, tmp_path: Path) -> None:
    run(str(SEED), "--district", "prairie", "--publish", "--summary", "Imported")
    changed = tmp_path / "5-125.txt"
    changed.write_text(seed_v2_text(), encoding="utf-8")
    out, _ = run(str(changed), "--district", "prairie")
    assert "new draft, version 2 saved as a draft" in out
    assert Policy.objects.count() == 1


@pytest.mark.django_db
def test_it_needs_a_district_when_there_are_several(world) -> None:
    with pytest.raises(CommandError, match="--district"):
        run(str(SEED))
    with pytest.raises(CommandError, match="No district"):
        run(str(SEED), "--district", "nowhere")


@pytest.mark.django_db
def test_publish_needs_a_summary(world) -> None:
    with pytest.raises(CommandError, match="--summary"):
        run(str(SEED), "--district", "prairie", "--publish")
    assert not PolicyVersion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\x00\x01\x02\x03" * 300, "binary"),
        (b"Staff Conduct\n\nEmployees behave professionally.\n", "Use --number"),
    ],
)
def test_bad_files_get_a_clear_message(world, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--district", "prairie")
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_a_50_mb_file_is_refused_by_its_size(world, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:  # sparse: 50 MB on paper, nothing to read
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(CommandError, match=r"50\.0 MB; the limit for a policy is 5 MB"):
        run(str(path), "--district", "prairie")


@pytest.mark.django_db
def test_number_and_warnings(world, tmp_path: Path) -> None:
    path = tmp_path / "conduct.txt"
    path.write_bytes(
        b"Staff Conduct\n\nEmployees behave professionally.\n\nAdopted: sometime soon\n"
    )
    out, err = run(str(path), "--district", "prairie", "--number", "3:40")
    assert "Policy 3:40: new policy" in out
    assert "Could not read the adopted date 'sometime soon'; kept as text." in err


@pytest.mark.django_db
def test_html_scripts_are_stripped(world, tmp_path: Path) -> None:
    path = tmp_path / "5125.html"
    html = (DATA / "boarddocs-5125.html").read_bytes()
    path.write_bytes(html.replace(b"</body>", b"<script>steal()</script></body>"))
    _, err = run(str(path), "--district", "prairie")
    assert "script element(s)" in err
    assert "steal" not in PolicyVersion.objects.get().canonical_text
