"""How much work one policy file may cost the parser, and the messages that name each limit.

A small file can still be expensive: one PDF stream of 200 KB can inflate to 200 MB of drawing
operators, which pdfminer would read for a quarter of an hour. Each limit names the environment
variable that sets it (chalkline/settings.py), so that an administrator who meets a refusal for
a genuine file knows what to raise.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import PolicyParseError


def _size(n: int) -> str:
    if n >= 1_048_576:
        return f"{n / 1_048_576:g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Bounds on one parse. 0 turns a bound off (never in production)."""

    max_stream_bytes: int = 16 * 1_048_576  # one PDF stream, once inflated
    max_pages: int = 200  # PDF pages
    max_text_chars: int = 2_000_000  # text read from the file, whatever its format
    timeout_seconds: float = 60.0  # wall clock of the child process that parses
    memory_bytes: int = 1024 * 1_048_576  # address space of that child (RLIMIT_AS)

    def stream_too_large(self) -> PolicyParseError:
        return PolicyParseError(
            "The PDF is refused: one of its compressed streams inflates to more than "
            f"{_size(self.max_stream_bytes)}, the limit for one stream "
            "(POLICY_IMPORT_MAX_STREAM_MB). Export the policy as text or HTML, or print it to a "
            "new PDF."
        )

    def too_many_pages(self) -> PolicyParseError:
        return PolicyParseError(
            f"The PDF is refused: it has more than {self.max_pages} pages, the limit for one "
            "policy (POLICY_IMPORT_MAX_PAGES). Import one policy at a time."
        )

    def too_much_text(self) -> PolicyParseError:
        return PolicyParseError(
            f"The file is refused: it holds more than {self.max_text_chars:,} characters of "
            "text, the limit for one policy (POLICY_IMPORT_MAX_TEXT_CHARS). Import one policy "
            "at a time."
        )

    def too_slow(self) -> PolicyParseError:
        return PolicyParseError(
            f"The file is refused: reading it took longer than {self.timeout_seconds:g} "
            "seconds, the limit (POLICY_IMPORT_TIMEOUT_SECONDS). Export the policy as text or "
            "HTML, or print it to a new PDF."
        )

    def too_much_memory(self) -> PolicyParseError:
        return PolicyParseError(
            f"The file is refused: reading it needed more than {_size(self.memory_bytes)} of "
            "memory, the limit (POLICY_IMPORT_MEMORY_MB). Export the policy as text or HTML."
        )

    def check_text(self, chars: int) -> None:
        if self.max_text_chars and chars > self.max_text_chars:
            raise self.too_much_text()


DEFAULT_LIMITS = ParseLimits()
