"""Deploy checks: the screening prefilter's cache (see prefilter.py) and the compiled name finder."""

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


@register("screening", deploy=True)
def compiled_finder_ready(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warns when screening runs the pure-Python name finder: the compiled one
    (``_mentions.pyx``) is not built (no C compiler at install), is older than its source, or
    is switched off with CHALKLINE_SCREENING_PURE_PYTHON."""
    from .detectors import student_names

    if student_names.find_mentions is not student_names.find_mentions_py:
        return []
    return [
        Warning(
            "Screening is using the pure-Python name finder: the same findings, but about "
            "a third slower per message.",
            hint="Install with a C compiler present (pip install builds it), or unset "
            "CHALKLINE_SCREENING_PURE_PYTHON.",
            id="chalkline.screening.W002",
        )
    ]
