"""The CLI's roster reader takes a student's preferred first name from OneRoster 1.2's
``preferredFirstName`` or a 1.1 ``metadata.*`` column (issue 23, point 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalkline.screening import Audience, Message, Sender, load_oneroster, screen


@pytest.mark.parametrize(
    "column",
    ["preferredFirstName", "metadata.preferredFirstName", "metadata.preferredGivenName"],
)
def test_a_preferred_first_name_column_is_read_and_matched(tmp_path: Path, column: str) -> None:
    (tmp_path / "users.csv").write_text(
        f"sourcedId,status,orgSourcedIds,role,givenName,familyName,{column}\n"
        "s-1,active,b-1,student,Robert,Nguyen,Bobby\n"
        "s-2,active,b-1,student,Ada,Stu,\n"
        "t-1,active,b-1,teacher,Elena,Ortiz,\n",
        encoding="utf-8",
    )
    index = load_oneroster(tmp_path)
    assert index.student("s-1").preferred_name == "Bobby"  # type: ignore[union-attr]
    for text in ("Congratulations to Bobby Nguyen!", "Congratulations to Robert Nguyen!"):
        msg = Message(text, Sender("teacher", "t-1"), Audience("public"))
        found = [f for f in screen(msg, index=index) if f.detector == "student_name"]
        assert [(f.student, f.severity) for f in found] == [("s-1", "block")], text
