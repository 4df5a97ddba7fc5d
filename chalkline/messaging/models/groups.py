"""Staff groups: a named set of a district's staff ("Grade 3 team", "Coaches"), district-wide or
kept for one building, written to as one messaging audience (``AudienceKind.STAFF_GROUP``)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from chalkline.people.models import Building, District, Person, User

MAX_GROUP_NAME = 120
MAX_GROUP_DESCRIPTION = 300


class StaffGroupQuerySet(models.QuerySet["StaffGroup"]):
    def active(self) -> StaffGroupQuerySet:
        return self.filter(active=True)


class StaffGroup(models.Model):
    """A staff group. ``building`` empty: a district-wide group (kept by the district office);
    set: the building's group (kept by its principal). Retired groups (``active`` off) are
    kept for the threads that name them and can no longer be written to."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=MAX_GROUP_NAME)
    description = models.CharField(max_length=MAX_GROUP_DESCRIPTION, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StaffGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            # a name is unique where the group belongs, whatever its case
            models.UniqueConstraint(
                F("district"),
                F("building"),
                Lower("name"),
                condition=Q(building__isnull=False),
                name="staff_group_name_unique_in_building",
            ),
            models.UniqueConstraint(
                F("district"),
                Lower("name"),
                condition=Q(building__isnull=True),
                name="staff_group_name_unique_district_wide",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffGroupMember(models.Model):
    """One staff member of a group. Removing a member deletes the row (the audit log keeps who
    was added and removed, by whom and when); a deactivated staff member keeps the row but
    is left out of the audience while inactive."""

    group = models.ForeignKey(StaffGroup, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="staff_groups")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="staff_group_member_unique"),
        ]
        indexes = [models.Index(fields=["person"], name="staff_group_member_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.group_id}"
