"""The ``chalkline screen`` contract as a pure function: JSON Lines in, JSON Lines out.

Input, one message per line (UTF-8)::

    {"id": "m1", "text": "...", "html": false,
     "sender": {"role": "teacher", "id": "t-1"},
     "audience": {"kind": "class", "recipients": [], "class_id": "c-1", "building_id": null},
     "attachments": [{"data_base64": "...", "filename": "a.jpg", "pictured": ["s-1"]}]}

Output, one line per input line, in order::

    {"id": "m1", "findings": [{"detector", "start", "end", "severity", "clause", "student",
                               "message", "fix", ...}]}
    {"id": null, "line": 7, "error": "line 7: invalid JSON: ..."}     # for a bad line

Blank input lines are skipped. A bad line never stops the run: invalid UTF-8 or JSON, JSON nested
too deeply, a lone surrogate escape (``"\\ud800"``), a wrong shape, or a message the engine could
not screen each give that line an error line. The output file is written to a temporary file
beside it and renamed into place at the end, so it is never left half written.

A roster that cannot be read, or holds no students, stops the run before anything is screened
(``RosterError``; ``chalkline screen`` exits with status 2).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypedDict

from .engine import screen
from .index import RosterIndex
from .oneroster import load_oneroster
from .types import AUDIENCE_KINDS, Attachment, Audience, Message, ScreeningInputError, Sender

# A lone surrogate can only come from a \\u escape (UTF-8 cannot encode one); the cheap test
# on the raw line finds lines that may hold one, and only those are checked string by string.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class Summary(TypedDict):
    messages: int
    errors: int
    flagged: int
    findings: int
    by_detector: dict[str, int]
    seconds: float


def _str_list(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ScreeningInputError(f"{what} must be a list of strings")
    return tuple(value)


def parse_message(obj: Any) -> Message:
    """Validate one decoded JSON object into a Message; ScreeningInputError says what is wrong."""
    if not isinstance(obj, dict):
        raise ScreeningInputError("each line must be a JSON object")
    text = obj.get("text", "")
    if not isinstance(text, str):
        raise ScreeningInputError('"text" must be a string')
    sender = obj.get("sender")
    if not isinstance(sender, dict) or not isinstance(sender.get("role"), str):
        raise ScreeningInputError('"sender" must be an object with a string "role"')
    aud = obj.get("audience")
    if not isinstance(aud, dict) or aud.get("kind") not in AUDIENCE_KINDS:
        raise ScreeningInputError(f'"audience.kind" must be one of {sorted(AUDIENCE_KINDS)}')
    attachments = []
    for n, att in enumerate(obj.get("attachments") or ()):
        if not isinstance(att, dict) or not isinstance(att.get("data_base64"), str):
            raise ScreeningInputError(f'attachment {n + 1} needs a base64 "data_base64" string')
        try:
            data = base64.b64decode(att["data_base64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ScreeningInputError(f"attachment {n + 1}: invalid base64") from exc
        attachments.append(
            Attachment(
                data, str(att.get("filename", "")), _str_list(att.get("pictured"), "pictured")
            )
        )
    class_id = aud.get("class_id", aud.get("classId"))
    building_id = aud.get("building_id", aud.get("buildingId"))
    return Message(
        text=text,
        html=bool(obj.get("html", False)),
        sender=Sender(role=sender["role"], id=str(sender.get("id") or "")),
        audience=Audience(
            kind=aud["kind"],
            recipients=_str_list(aud.get("recipients"), "audience.recipients"),
            class_id=str(class_id) if class_id else None,
            building_id=str(building_id) if building_id else None,
        ),
        attachments=tuple(attachments),
        id=str(obj.get("id") or ""),
    )


def _check_no_lone_surrogate(value: Any, where: str = "") -> None:
    """ScreeningInputError when a decoded JSON value holds a lone surrogate: such text can be
    neither screened reliably nor written back out as UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            at = f" in {where}" if where else ""
            raise ScreeningInputError(
                f"lone surrogate \\u{ord(value[exc.start]):04x}{at} (not valid Unicode text)"
            ) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_no_lone_surrogate(key, where)
            _check_no_lone_surrogate(item, f'"{key}"' if isinstance(key, str) else where)
    elif isinstance(value, list):
        for item in value:
            _check_no_lone_surrogate(item, where)


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _decode_line(raw: bytes) -> Any:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScreeningInputError(f"invalid UTF-8 at byte {exc.start}") from exc
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ScreeningInputError(f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError:
        raise ScreeningInputError("invalid JSON: nested too deeply") from None
    return obj


def _check_unicode(raw: bytes, obj: Any) -> None:
    if _SURROGATE_ESCAPE.search(raw):
        try:
            _check_no_lone_surrogate(obj)
        except RecursionError:  # nested just under json's limit: deeper than any message
            raise ScreeningInputError("invalid JSON: nested too deeply") from None


def screen_lines(
    lines: Iterator[bytes], index: RosterIndex, out: IO[str], summary: Summary
) -> None:
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        summary["messages"] += 1
        msg_id: Any = None
        try:
            obj = _decode_line(raw)
            if isinstance(obj, dict):
                msg_id = obj.get("id")
                if isinstance(msg_id, str) and _SURROGATE_ESCAPE.search(raw):
                    msg_id = msg_id if _is_unicode(msg_id) else None
            _check_unicode(raw, obj)
            findings = screen(parse_message(obj), index=index)
            result = json.dumps(
                {"id": msg_id, "findings": [f.to_dict() for f in findings]}, ensure_ascii=False
            )
        except ScreeningInputError as exc:
            error = str(exc)
        except (RecursionError, UnicodeError, ValueError, TypeError, ArithmeticError) as exc:
            # A message the engine could not screen: that line fails, the run goes on. Only the
            # exception's type is reported, as its text could quote the message.
            error = f"could not be screened ({type(exc).__name__})"
        else:
            if findings:
                summary["flagged"] += 1
            summary["findings"] += len(findings)
            for f in findings:
                summary["by_detector"][f.detector] = summary["by_detector"].get(f.detector, 0) + 1
            out.write(result + "\n")
            continue
        summary["errors"] += 1
        out.write(
            json.dumps({"id": msg_id, "line": lineno, "error": f"line {lineno}: {error}"}) + "\n"
        )


def run(roster_path: str | Path, in_path: str | Path, out_path: str | Path) -> Summary:
    """Screen every message in ``in_path`` against the roster and write ``out_path``.

    Raises RosterError before reading any message when the roster cannot be read or holds no
    students. ``out_path`` is replaced atomically when the run ends; on any failure it is left
    as it was."""
    started = time.perf_counter()
    index = load_oneroster(roster_path)
    summary: Summary = {
        "messages": 0,
        "errors": 0,
        "flagged": 0,
        "findings": 0,
        "by_detector": {},
        "seconds": 0.0,
    }
    with open(in_path, "rb") as src, _atomic_output(Path(out_path)) as out:
        screen_lines(iter(src), index, out, summary)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


@contextmanager
def _atomic_output(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file in the same folder, then rename it over ``path``. A path that
    exists and is not a regular file (``/dev/stdout``, a pipe) is written to directly."""
    try:
        special = not stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        special = False
    if special:
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            yield out
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summary_line(s: Summary) -> str:
    return (
        f"screened {s['messages']} messages: {s['flagged']} flagged, {s['findings']} findings, "
        f"{s['errors']} bad lines, {s['seconds']:.2f}s"
    )
