"""A step that must come before signing (a campaign that requires a training first), as the
acknowledgment pages show it: step 1, the training, with its status and link; step 2, signing.

The acknowledgment app knows nothing of training (the domain apps stay independent): the
workflows layer, which holds the link between a campaign and its training, registers the
reader at start-up (``chalkline.workflows.training_steps.register``). Without one, no campaign
has a step before signing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalkline.acks.models import Assignment


@dataclass(frozen=True, slots=True)
class StepBeforeSigning:
    """What the employee reads about step 1: ``title`` (the training's), ``done``, ``status``
    (a few words: "done", "not done yet"), and ``url``/``link_text`` to take it (or to its
    certificate once done); ``url`` is empty when there is nothing to open (not rostered)."""

    title: str
    done: bool
    status: str
    url: str = ""
    link_text: str = ""


Provider = Callable[[Assignment], StepBeforeSigning | None]

_provider: list[Provider] = []


def set_step_before_signing_provider(provider: Provider) -> None:
    _provider[:] = [provider]


def step_before_signing(assignment: Assignment) -> StepBeforeSigning | None:
    """The step the employee completes before signing ``assignment``, or None."""
    return _provider[0](assignment) if _provider else None
