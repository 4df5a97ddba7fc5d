"""A real local SMTP server whose answer to each recipient the test chooses."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass
class MailServer:
    """``answer`` is what the server says to RCPT TO (None: accept), ``refuse`` what it says to
    some addresses; ``hold`` makes the server wait, after the ``hold_from``-th message arrives
    (and after each one that follows), until the test sets it (``arrived`` tells the test that
    the ``hold_from``-th did)."""

    port: int = 0
    messages: list[Any] = field(default_factory=list)
    envelopes: list[str] = field(default_factory=list)  # MAIL FROM of each message
    answer: str | None = None
    refuse: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None
    hold_from: int = 1
    hold_seconds: float = 10  # the longest a held message waits
    arrived: threading.Event = field(default_factory=threading.Event)


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        answer = self.server.refuse.get(address) or self.server.answer
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes

        self.server.messages.append(message_from_bytes(envelope.content))
        self.server.envelopes.append(envelope.mail_from)
        if len(self.server.messages) < self.server.hold_from:
            return "250 Message accepted"
        self.server.arrived.set()
        if self.server.hold is not None:
            import asyncio

            await asyncio.get_running_loop().run_in_executor(
                None, self.server.hold.wait, self.server.hold_seconds
            )
        return "250 Message accepted"


@pytest.fixture
def mail_server(settings: Any) -> Iterator[MailServer]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = MailServer(port=port)
    controller = Controller(_Handler(server), hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    try:
        yield server
    finally:
        if server.hold is not None:
            server.hold.set()
        controller.stop()
