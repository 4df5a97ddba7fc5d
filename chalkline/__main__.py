"""The ``chalkline`` console command: Django's management commands, with dashes allowed.

``chalkline demo-data --seed 1`` runs the ``demo_data`` management command; ``chalkline audit verify``
runs ``audit`` with the ``verify`` action. Every Django command works too (``chalkline migrate``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkline.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "chalkline"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    if len(args) > 1 and args[1] in _server_commands():
        _refuse_insecure_start()
    if len(args) > 1 and args[1] == "db_worker":
        from chalkline.lib.task_workers import start_worker_monitor

        start_worker_monitor()  # heartbeats, and the requeue of tasks whose worker died
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from chalkline.lib.sqlite import EXIT_DATABASE_BUSY, is_database_busy

    try:
        execute_from_command_line(args)
    except OperationalError as exc:
        if not is_database_busy(exc):
            raise
        sys.stderr.write(
            "chalkline: the database is locked by another process (SQLite allows one writer at a "
            f"time; SQLITE_BUSY_TIMEOUT is how long to wait). Try again. ({exc})\n"
        )
        raise SystemExit(EXIT_DATABASE_BUSY) from None


def _server_commands() -> frozenset[str]:
    from chalkline.lib.startup import SERVER_COMMANDS

    return SERVER_COMMANDS


def _refuse_insecure_start() -> None:
    import django
    from django.core.exceptions import ImproperlyConfigured

    from chalkline.lib.startup import refuse_placeholder_secret_key

    django.setup()
    try:
        refuse_placeholder_secret_key()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"chalkline: {exc}\n")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
