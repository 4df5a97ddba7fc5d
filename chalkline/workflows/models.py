"""Links between two domain apps that neither app may hold itself (they stay independent).

``CampaignTraining``: an acknowledgment campaign that requires completing a training first
(issue 21, point 2). The link names the self-paced session its audience is rostered on; a
completion of the same training in any session (in person, online) counts too.

``CaseMessageCitation``: a case cites an archived message by reference, with the SHA-256 the
message had when it was cited (issue 19, point 4); append-only. The case page re-reads the
message and re-checks the hash every time it opens (``message_referral``).
"""

from __future__ import annotations

from django.db import models

from chalkline.acks.models import Campaign
from chalkline.cases.models import Case
from chalkline.lib.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from chalkline.messaging.models import Message
from chalkline.people.models import User
from chalkline.training.models import Session, Training


class CampaignTraining(models.Model):
    campaign = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, related_name="required_training"
    )
    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"campaign {self.campaign_id} requires training {self.training_id}"


class CitationImmutable(AppendOnlyError):
    """A citation is never changed or removed."""


class CaseMessageCitationQuerySet(AppendOnlyQuerySet["CaseMessageCitation"]):
    error = CitationImmutable
    noun = "Case citations"


class CaseMessageCitation(AppendOnlyModel):
    append_only_error = CitationImmutable

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    #: the review item that referred it (messaging's id)
    review_item_id = models.PositiveIntegerField(null=True, blank=True)
    cited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    cited_at = models.DateTimeField(auto_now_add=True)

    objects = CaseMessageCitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "message"], name="workflows_cite_once"),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} cites message {self.message_id}"
