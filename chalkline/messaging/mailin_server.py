"""The ``mail-in`` receiver: an aiosmtpd LMTP (or SMTP) server that hands each e-mail to
``inbound.handle``. It sits behind the district's mail server (Postfix transport map, Exchange
send connector), never on the open internet: it takes mail only for the signed addresses at
``MESSAGING_REPLY_DOMAIN`` and refuses everything else at RCPT TO."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import close_old_connections, connections

from chalkline.messaging import inbound


async def _in_thread[T](fn: Callable[[], T]) -> T:
    """Run ORM work in a worker thread (the event loop never blocks on the database)."""

    def run() -> T:
        close_old_connections()
        try:
            return fn()
        finally:
            # replies are few: a fresh connection each time leaves no session behind in the
            # executor's idle threads (a database restart or drop never waits on mail-in)
            connections.close_all()

    return await asyncio.get_running_loop().run_in_executor(None, run)


class MailInHandler:
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        answer = await _in_thread(lambda: inbound.check_recipient(address))
        if answer.ok:
            envelope.rcpt_tos.append(address)
        return answer.line

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw: bytes = envelope.original_content or b""
        mail_from = str(envelope.mail_from or "")
        answers: list[inbound.Answer] = []
        for rcpt in list(envelope.rcpt_tos):
            to = str(rcpt)
            answers.append(
                await _in_thread(partial(inbound.handle, raw, rcpt=to, mail_from=mail_from))
            )
        if isinstance(server, LMTP):  # LMTP answers once per recipient
            return "\r\n".join(a.line for a in answers)
        refused = [a for a in answers if not a.ok]
        return (refused[0] if refused else answers[0]).line


class MailInController(Controller):
    def __init__(self, *, host: str, port: int, lmtp: bool = True) -> None:
        self.lmtp = lmtp
        super().__init__(MailInHandler(), hostname=host, port=port)

    def factory(self) -> SMTP:
        cls = LMTP if self.lmtp else SMTP
        return cls(
            self.handler,
            data_size_limit=int(settings.MAIL_IN_MAX_BYTES),
            hostname="chalkline-mail-in",
            ident="Chalkline mail-in",
        )
