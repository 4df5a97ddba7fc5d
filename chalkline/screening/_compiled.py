"""Loading the compiled name finder (``_mentions.pyx``), or deciding not to.

``setup.py`` builds ``_mentions`` when a C compiler is present, stamping the SHA-256 of the .pyx it
compiled into the module. The compiled finder is used only when it is built, was built from the
.pyx beside it (an edit without a rebuild would otherwise run old code), and the environment
switch ``CHALKLINE_SCREENING_PURE_PYTHON`` is off. Otherwise ``detectors/student_names.py`` runs
its Python reference, which gives the same findings, slower.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .detectors.context import Mention, ScreenContext

log = logging.getLogger(__name__)

#: Set to 1/true/yes/on to run the Python name finder even when the compiled one is built.
PURE_PYTHON_ENV = "CHALKLINE_SCREENING_PURE_PYTHON"
_PYX = Path(__file__).resolve().parent / "_mentions.pyx"

Finder = Callable[["ScreenContext"], list["Mention"]]


def pure_python_requested() -> bool:
    return os.environ.get(PURE_PYTHON_ENV, "").lower() in ("1", "true", "yes", "on")


def compiled_finder() -> Finder | None:
    """The compiled find_mentions, or None when it is not built, is older than its source, or
    ``CHALKLINE_SCREENING_PURE_PYTHON`` is set."""
    if pure_python_requested():
        return None
    try:
        from . import _mentions  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        digest = hashlib.sha256(_PYX.read_bytes()).hexdigest()
    except OSError:  # an installed wheel carries the module, not its source
        digest = _mentions.SOURCE_SHA256
    if digest != _mentions.SOURCE_SHA256:
        log.warning(
            "screening: the compiled name finder is older than _mentions.pyx; using the Python "
            "one until it is rebuilt (pip install -e .)"
        )
        return None
    finder: Finder = _mentions.find_mentions
    return finder
