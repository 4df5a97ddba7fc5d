"""A deploy check that builds the screening prefilter's cache (see prefilter.py)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register


@register("screening", deploy=True)
def prefilter_ready(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``chalkline check --deploy`` compiles the prefilter once (about a second) and caches it,
    so the first screening request after an upgrade does not; and it warns when the prefilter
    is unavailable and screening runs the slower anchor scan."""
    from . import prefilter

    if prefilter.warm_up():
        return []
    return [
        Warning(
            "The screening prefilter is unavailable (the hyperscan package is missing or did "
            "not compile): screening works, but runs the slower anchor scan.",
            hint="pip install hyperscan (wheels exist for Linux, macOS and Windows).",
            id="chalkline.screening.W001",
        )
    ]
