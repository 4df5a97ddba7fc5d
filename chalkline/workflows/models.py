"""Links between two domain apps that neither app may hold itself (they stay independent).

``CampaignTraining``: an acknowledgment campaign that requires completing a training first
(issue 21, point 2). The link names the self-paced session its audience is rostered on; a
completion of the same training in any session (in person, online) counts too.
"""

from __future__ import annotations

from django.db import models

from chalkline.acks.models import Campaign
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
