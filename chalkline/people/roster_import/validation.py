"""Validation of the package: the reader's full check, before anything is applied.

A large package is validated in a child process while the parent stages it, so the two
streaming passes over the package use two cores; the apply phase starts only once the child
has reported the package clean. A small package is validated inline (starting a process costs
more than it saves).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
import zipfile
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Self

from chalkline.lib.lifeline import start_django_child
from chalkline.lib.oneroster import (
    Issue,
    Package,
    Report,
    Severity,
    open_package,
    validate_package,
)

from .common import ImportRefused, Progress

logger = logging.getLogger(__name__)

# Uncompressed CSV bytes from which validation runs in a child process (about 25,000 users).
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
REFUSED = "The package has errors; nothing was applied."

type Verdict = tuple[list[Issue], Counter[tuple[Severity, str]], float, int]


def validate(pkg: Package) -> Report:
    """The reader's full validation; the import never applies a package with errors."""
    return validate_package(pkg).report


def package_bytes(location: str) -> int:
    """Uncompressed size of the package's files: what each streaming pass has to read."""
    path = Path(location)
    if path.is_dir():
        return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (OSError, zipfile.BadZipFile):
        return 0


def _validate_in_child(location: str, cap: int) -> Verdict:
    start = time.perf_counter()
    with open_package(location, report=Report(cap_per_code=0)) as pkg:
        report = Report(cap_per_code=cap)
        validate_package(pkg, report=report)
    return report.issues, report.counts, time.perf_counter() - start, _peak_rss_kb()


def _peak_rss_kb() -> int:
    """This process's peak RSS since exec (``VmHWM``; ``ru_maxrss`` would include the forked
    image of the parent from before exec). 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def merge(report: Report, verdict: Verdict) -> None:
    """Add a child's issues to ``report`` as if it had validated into it."""
    issues, counts, _, _ = verdict
    kept: Counter[tuple[Severity, str]] = Counter()
    for i in issues:
        report.add(i.severity, i.code, i.file, i.line, i.column, i.message, sourced_id=i.sourced_id)
        kept[(i.severity, i.code)] += 1
    for key, n in counts.items():
        report.counts[key] += n - kept[key]


class Validation:
    """``validate_package`` for the import: inline for a small package, else in a child process
    started on entry and running while the caller stages. ``result()`` merges its issues into
    the report and tells whether the package may be applied. Leaving the block early (an
    error while staging) stops the child."""

    def __init__(self, pkg: Package, *, report: Report, parallel: bool | None = None) -> None:
        self.pkg = pkg
        self.report = report
        if parallel is None:
            parallel = (os.cpu_count() or 1) > 1 and package_bytes(
                pkg.location
            ) >= PARALLEL_MIN_BYTES
        self.parallel = parallel
        self.pool: ProcessPoolExecutor | None = None
        self.pending: Future[Verdict] | None = None
        self.ok: bool | None = None
        self.seconds = 0.0  # wall time of the validation itself (in the child, if any)
        self.child_peak_mb = 0.0

    def __enter__(self) -> Self:
        if self.parallel:
            # The child dies with this process, and sets Django up before it unpickles the
            # task. A child that dies is replaced by inline validation (BrokenProcessPool).
            try:
                self.pool = ProcessPoolExecutor(
                    1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=start_django_child,
                    initargs=(os.getpid(),),
                )
                self.pending = self.pool.submit(
                    _validate_in_child, self.pkg.location, self.report.cap_per_code
                )
                return self
            except (OSError, RuntimeError):
                # No child process here (e.g. a main module without the __main__ guard):
                # validate inline instead.
                logger.warning("directory import: validating inline, no child process")
                self._close(terminate=True)
        self._validate_inline()
        return self

    def _validate_inline(self) -> None:
        start = time.perf_counter()
        self.ok = validate_package(self.pkg, report=self.report).ok
        self.seconds = time.perf_counter() - start
        if not self.ok:
            raise ImportRefused(REFUSED)

    def result(self) -> bool:
        """Wait for the child (if any); merge its issues. Raises ImportRefused on errors."""
        if self.ok is None and self.pending is not None:
            try:
                verdict = self.pending.result()
            except BrokenProcessPool:
                logger.warning("directory import: the validator process died; validating inline")
                self.pending = None
                self._close(terminate=True)
                self._validate_inline()
                return True
            self.seconds, self.child_peak_mb = verdict[2], verdict[3] / 1024
            merge(self.report, verdict)
            self.ok = self.report.ok
        if not self.ok:
            raise ImportRefused(REFUSED)
        return True

    def watch(self, progress: Progress) -> Progress:
        """``progress`` that stops the staging as soon as the child has found errors."""

        def note(phase: str, done: int, total: int) -> None:
            if self.ok is None and self.pending is not None and self.pending.done():
                self.result()
            progress(phase, done, total)

        return note

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close(terminate=exc_type is not None)

    def _close(self, *, terminate: bool) -> None:
        if self.pool is None:
            return
        if terminate and self.pending is not None and not self.pending.done():
            # Staging failed: stop the child rather than wait for it. (The executor has no
            # public way to end a running task before Python 3.14's terminate_workers.)
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None
