"""A child process that must not outlive its parent (the import's validator).

On Linux the kernel kills the child when its parent dies (prctl ``PR_SET_PDEATHSIG``, even when
the parent is killed with SIGKILL). Everywhere, a daemon thread also polls the parent's pid: a
child whose parent died is adopted by another process, and then exits. Importing this module
loads no Django model, so it can be a spawned pool's initializer."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_POLL_SECONDS = 1.0


def die_with_parent(parent_pid: int) -> None:
    """Call first thing in the child, with the parent's pid as the parent saw it."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the kernel was asked to watch
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def start_django_child(parent_pid: int) -> None:
    """A process pool's initializer: tie the child to its parent, then set Django up (before
    the task, which may import models, is unpickled)."""
    import django

    die_with_parent(parent_pid)
    django.setup()
