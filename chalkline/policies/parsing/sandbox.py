"""Parse in a child process that is killed when it overruns: the only way to bound the time
and memory a hostile file can cost (pdfminer cannot be interrupted from inside).

The child comes from a ``forkserver`` that has this package loaded already, so a parse costs a
fork (milliseconds), not a fresh interpreter. The child knows nothing of Django or the database:
it gets bytes and limits and returns a :class:`ParsedPolicy` or an error message.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

from .core import parse_policy
from .limits import ParseLimits
from .model import ParsedPolicy, PolicyParseError

_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _context() -> Any:
    context = multiprocessing.get_context(_METHOD)
    if _METHOD == "forkserver":
        context.set_forkserver_preload([__name__])
    return context


def _child(
    conn: Connection,
    data: bytes,
    filename: str | None,
    content_type: str | None,
    limits: ParseLimits,
) -> None:
    try:
        if limits.memory_bytes:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        result: tuple[str, Any] = (
            "ok",
            parse_policy(data, filename=filename, content_type=content_type, limits=limits),
        )
    except PolicyParseError as exc:
        result = ("error", str(exc))
    except MemoryError:
        result = ("error", str(limits.too_much_memory()))
    except Exception as exc:  # a parser bug must not look like a hang to the caller
        result = ("error", f"The file could not be read ({type(exc).__name__}).")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("error", str(limits.too_much_memory())))
    finally:
        conn.close()


def parse_in_child(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    limits: ParseLimits,
) -> ParsedPolicy:
    """``parse_policy`` in a child process under ``limits``. Raises :class:`PolicyParseError`
    with a message naming the limit when the file overruns one; the child is killed when it
    overruns the wall clock."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(send, data, filename, content_type, limits),
        name="chalkline-policy-parse",
        daemon=True,
    )
    child.start()
    send.close()
    try:
        timeout = limits.timeout_seconds or None
        if not receive.poll(timeout):
            raise limits.too_slow()
        try:
            status, payload = receive.recv()
        except (EOFError, OSError):
            # the child died without a word: killed by the kernel for its memory, or crashed
            raise limits.too_much_memory() from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if status != "ok":
        raise PolicyParseError(payload)
    parsed: ParsedPolicy = payload
    return parsed
