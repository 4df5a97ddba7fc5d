"""Builds Chalkline's one optional compiled module; everything else is in pyproject.toml.

``chalkline/screening/_mentions.pyx`` is the compiled twin of the screening engine's name
finder (``detectors/student_names.py``): 15 µs a message against 26 µs in Python at 20,000
students; see docs/screening.md. It is optional: without a C compiler the build goes on without
it and the pure-Python finder runs, with the same findings. Set ``CHALKLINE_BUILD_PURE=1`` to
skip it on purpose.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from setuptools import Extension, setup

PYX = Path("chalkline/screening/_mentions.pyx")


def extensions() -> list[Extension]:
    if os.environ.get("CHALKLINE_BUILD_PURE", "").lower() in ("1", "true", "yes", "on"):
        return []
    from Cython.Build import cythonize  # a build requirement (pyproject.toml)

    # The module keeps the digest of the source it was made from, so the loader can tell a
    # stale build (an edited .pyx, not yet rebuilt) and use the Python finder instead.
    digest = hashlib.sha256(PYX.read_bytes()).hexdigest()
    ext = Extension(
        "chalkline.screening._mentions",
        [str(PYX)],
        define_macros=[("CHALKLINE_PYX_SHA256", f'"{digest}"')],
        optional=True,  # no compiler: a warning, and the pure-Python finder
    )
    built = cythonize(
        [ext],
        build_dir="build/cython",
        compiler_directives={"language_level": 3},
        quiet=True,
    )
    for made in built:  # cythonize() returns new Extension objects without the flag
        made.optional = True
    return built


setup(ext_modules=extensions())
