"""mail-in: receive e-mail replies and bounces for the messaging hub (LMTP by default)."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chalkline.messaging.mailin_server import MailInController


class Command(BaseCommand):
    help = (
        "Receive replies and bounces for hub e-mail: an LMTP (or, with --smtp, SMTP) server to "
        "put behind the district's mail server for MESSAGING_REPLY_DOMAIN. Runs until stopped."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=settings.MAIL_IN_HOST, help="Address to listen on.")
        parser.add_argument("--port", type=int, default=settings.MAIL_IN_PORT, help="Port.")
        parser.add_argument(
            "--smtp", action="store_true", help="Speak SMTP instead of LMTP (e.g. for Exchange)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MESSAGING_REPLY_DOMAIN:
            raise CommandError(
                "MESSAGING_REPLY_DOMAIN is not set: hub e-mail carries no reply address, so "
                "there is nothing to receive."
            )
        controller = MailInController(
            host=options["host"], port=options["port"], lmtp=not options["smtp"]
        )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        controller.start()
        protocol = "SMTP" if options["smtp"] else "LMTP"
        self.stdout.write(
            f"mail-in: {protocol} on {options['host']}:{options['port']} for "
            f"@{settings.MESSAGING_REPLY_DOMAIN}"
        )
        try:
            stop.wait()
        finally:
            controller.stop()
