"""Fixtures borrowed from the apps a workflow spans."""

from chalkline.messaging.tests.conftest import school

__all__ = ["school"]
