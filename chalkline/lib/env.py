"""Small helpers that read settings from the environment.

Every setting can also be read from a file: ``SECRET_KEY_FILE=/run/secrets/key`` wins over
``SECRET_KEY``. That is how container secrets and systemd credentials are usually handed over.
"""

from __future__ import annotations

import os
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class EnvError(ValueError):
    """A variable is set to something we cannot read. The message names the variable."""


def envstr(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EnvError(
                f"{name}_FILE points to {file_path!r}, which cannot be read: {exc}"
            ) from exc
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = envstr(name, "").strip().lower()
    if name not in os.environ and f"{name}_FILE" not in os.environ:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise EnvError(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = envstr(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must be a whole number, not {raw!r}") from exc


def envlist(name: str, default: list[str] | None = None) -> list[str]:
    raw = envstr(name, "")
    if not raw.strip():
        return list(default or [])
    return [part.strip() for part in raw.split(",") if part.strip()]


def envrate(name: str, default: str) -> tuple[int, int]:
    """A rate as ``COUNT/SECONDS`` (``600/60``: 600 a minute). ``0/...`` turns the limit off."""
    raw = envstr(name, "").strip() or default
    count, _, seconds = raw.partition("/")
    try:
        rate = (int(count), int(seconds))
    except ValueError as exc:
        raise EnvError(f"{name} must be COUNT/SECONDS such as 600/60, not {raw!r}") from exc
    if rate[0] < 0 or rate[1] <= 0:
        raise EnvError(f"{name} must be COUNT/SECONDS with SECONDS above 0, not {raw!r}")
    return rate


def envsecret(name: str, default: str = "") -> str:
    """Like envstr, but meant for secrets: prefer ``NAME_FILE`` in production."""
    return envstr(name, default)
