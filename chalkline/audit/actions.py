"""The one vocabulary of audit actions: ``<area>.<what happened>``, past tense, each with a label
for people.

Events already written keep the text they were written with (the chain hashes it): never rewrite
old rows. ``LEGACY`` maps the older spellings to today's actions, and ``TARGET_ALIASES`` maps old
target types to today's, for display and for filtering only.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # people
    DISTRICT_CREATED = "district.created"
    DISTRICT_DEMO_LOADED = "district.demo_loaded"
    MEMBERSHIP_GRANTED = "membership.granted"
    MEMBERSHIP_REVOKED = "membership.revoked"
    ACCOUNT_CREATED = "account.created"
    DIRECTORY_IMPORTED = "directory.imported"
    DIRECTORY_IMPORT_FAILED = "directory.import_failed"
    DIRECTORY_ROLE_CONFIRMED = "directory.role_confirmed"
    DIRECTORY_ROLE_DISMISSED = "directory.role_dismissed"
    DIRECTORY_IMPORT_LOCK_TAKEN_OVER = "directory.import_lock_taken_over"
    ACCESS_SUSPENDED = "access.suspended"
    SIGN_IN_PROVIDER_CONFIGURED = "accounts.provider_configured"
    SIGN_IN_PROVIDER_CHANGED = "accounts.provider_changed"
    SIGN_IN_PROVIDER_DEACTIVATED = "accounts.provider_deactivated"
    SIGN_IN_PROVIDER_REACTIVATED = "accounts.provider_reactivated"
    SIGN_IN_LINKED = "accounts.linked_to_provider"
    LOCAL_PASSWORDS_SET = "accounts.local_passwords_set"
    SECOND_FACTOR_ADDED = "accounts.second_factor_added"
    # policies
    POLICY_IMPORTED = "policies.imported"
    POLICY_IMPORT_QUEUED = "policies.import_queued"
    POLICY_IMPORT_FAILED = "policies.import_failed"
    POLICY_DRAFT_REPLACED = "policies.draft_replaced"
    POLICY_DRAFT_EDITED = "policies.draft_edited"
    POLICY_PUBLISHED = "policies.published"
    POLICY_DRAFT_STARTED = "policies.draft_started"
    GUIDELINE_CREATED = "policies.guideline_created"
    GUIDELINE_DRAFT_EDITED = "policies.guideline_draft_edited"
    GUIDELINE_PUBLISHED = "policies.guideline_published"
    # acknowledgments
    ACK_CAMPAIGN_CREATED = "acks.campaign_created"
    ACK_CAMPAIGN_LAUNCHED = "acks.campaign_launched"
    ACK_DISTRIBUTED = "acks.distributed"
    ACK_LEAVERS_CLOSED = "acks.leavers_closed"
    ACK_NEW_HIRES_ASSIGNED = "acks.new_hires_assigned"
    ACK_FOLLOW_UP_OPENED = "acks.follow_up_opened"
    ACK_PACKET_OPENED = "acks.opened"
    ACK_PACKET_READ = "acks.read"
    ACK_ECONSENT_GIVEN = "acks.econsent_given"
    ACK_SIGNED = "acks.signed"
    ACK_PAPER_RECORDED = "acks.paper_recorded"
    ACK_PROXY_RECORDED = "acks.proxy_recorded"
    ACK_REFUSED = "acks.refused"
    ACK_REMINDERS_QUEUED = "acks.reminders_queued"
    ACK_BULK_REMINDER_SENT = "acks.bulk_reminder_sent"
    ACK_QUIET_HOURS_CHANGED = "acks.quiet_hours_changed"
    ACK_EXPORTED = "acks.exported"
    # outbound mail
    MAIL_QUEUED = "outbox.queued"
    MAIL_RETRY_REQUESTED = "outbox.retry_requested"
    # training
    TRAINING_CREATED = "training.created"
    TRAINING_SESSION_SCHEDULED = "training.session_scheduled"
    TRAINING_ROSTER_ADDED = "training.roster_added"
    TRAINING_CHECKED_IN = "training.checked_in"
    TRAINING_ATTENDANCE_MARKED = "training.attendance_marked"
    TRAINING_MODULE_COMPLETED = "training.module_completed"
    TRAINING_CHECK_FAILED = "training.knowledge_check_failed"
    TRAINING_SETTINGS_CHANGED = "training.settings_changed"
    TRAINING_REMINDERS_SENT = "training.reminders_sent"
    TRAINING_REQUIRED_BY_CAMPAIGN = "training.required_by_campaign"
    # policy reviews and the Board (issue 22)
    REVIEW_SCHEDULE_SET = "reviews.schedule_set"
    REVIEW_REMINDERS_SENT = "reviews.reminders_sent"
    REVIEW_OPENED = "reviews.opened"
    REVIEW_DRAFT_SAVED = "reviews.draft_saved"
    REVIEW_COMMENTED = "reviews.commented"
    REVIEW_COMMENT_RESOLVED = "reviews.comment_resolved"
    BOARD_ITEM_PLACED = "reviews.board_item_placed"
    BOARD_READING_RECORDED = "reviews.board_reading_recorded"
    BOARD_ADOPTION_RECORDED = "reviews.board_adoption_recorded"
    BOARD_COVER_MEMO_EDITED = "reviews.cover_memo_edited"
    BOARD_PACKET_MADE = "reviews.board_packet_made"
    REVIEW_MODEL_IMPORTED = "reviews.model_text_imported"
    REVIEW_MODEL_CHANGE_DECIDED = "reviews.model_change_decided"
    # screening / drafts
    DRAFT_CHECK_KEPT = "drafts.draft_check_kept"
    # api
    API_ACCESS_GRANTED = "api.token_created"
    API_ACCESS_REVOKED = "api.token_revoked"
    API_SCREENED = "api.screened"
    # registry of approved accounts and applications
    REGISTRY_APP_REQUESTED = "registry.app_requested"
    REGISTRY_APP_REVIEWED = "registry.app_reviewed"
    REGISTRY_CHANGES_ASKED = "registry.changes_asked"
    REGISTRY_APP_REFUSED = "registry.app_refused"
    REGISTRY_APP_APPROVED = "registry.app_approved"
    REGISTRY_AGREEMENT_POSTED = "registry.agreement_posted"
    REGISTRY_APP_RETIRED = "registry.app_retired"
    REGISTRY_IMPORTED = "registry.imported"
    REGISTRY_BREACH_LOGGED = "registry.breach_logged"
    REGISTRY_BREACH_NOTICE_DELAYED = "registry.breach_notice_delayed"
    REGISTRY_BREACH_NOTICE_EXPORTED = "registry.breach_notice_exported"
    REGISTRY_PRIVACY_PAGE_EDITED = "registry.privacy_page_edited"
    REGISTRY_LOGO_REQUESTED = "registry.logo_requested"
    REGISTRY_LOGO_GRANTED = "registry.logo_granted"
    REGISTRY_LOGO_REFUSED = "registry.logo_refused"
    REGISTRY_LOGO_REVOKED = "registry.logo_revoked"
    REGISTRY_LOGO_IMAGE_ADDED = "registry.logo_image_added"
    REGISTRY_LOGO_IMAGE_REMOVED = "registry.logo_image_removed"
    # cases (issue 19)
    CASE_OPENED = "cases.opened"
    CASE_VIEWED = "cases.viewed"
    CASE_EXPORTED = "cases.exported"
    CASE_TRIAGED = "cases.triaged"
    CASE_NOTE_ADDED = "cases.note_added"
    CASE_EVIDENCE_ADDED = "cases.evidence_added"
    CASE_EVIDENCE_VIEWED = "cases.evidence_viewed"
    CASE_NOTICE_SENT = "cases.notice_sent"
    CASE_RESPONSE_ADDED = "cases.response_added"
    CASE_REP_INVITED = "cases.rep_invited"
    CASE_FINDINGS_RECORDED = "cases.findings_recorded"
    CASE_OUTCOME_RECORDED = "cases.outcome_recorded"
    CASE_OUTCOME_ACKNOWLEDGED = "cases.outcome_acknowledged"
    CASE_REFUSAL_WITNESSED = "cases.refusal_witnessed"
    CASE_PAUSED = "cases.paused"
    CASE_RESUMED = "cases.resumed"
    CASE_CLOSED = "cases.closed"
    CASE_AMENDED = "cases.amended"
    CASE_REMINDERS_SENT = "cases.reminders_sent"
    CASE_DISCLOSED = "cases.disclosed"
    CASE_OUTCOMES_CHANGED = "cases.outcomes_changed"
    PERSONNEL_INSPECTION_REQUESTED = "cases.inspection_requested"
    PERSONNEL_INSPECTION_EXTENDED = "cases.inspection_extended"
    PERSONNEL_INSPECTION_FULFILLED = "cases.inspection_fulfilled"
    PERSONNEL_FILE_VIEWED = "cases.personnel_file_viewed"
    CASE_LEGAL_HOLD_SET = "cases.legal_hold_set"
    CASE_PURGED = "cases.purged"
    CASE_REVIEW_EXPORTED = "cases.review_exported"
    MANDATED_REPORT_LOGGED = "cases.mandated_report_logged"
    MANDATED_LOG_VIEWED = "cases.mandated_log_viewed"
    # audit
    AUDIT_EXPORTED = "audit.exported"
    AUDIT_CHECKPOINT_WRITTEN = "audit.checkpoint_written"
    AUDIT_RESTORE_RECORDED = "audit.restore_recorded"
    AUDIT_CHAIN_VERIFIED = "audit.chain_verified"
    # messaging hub (issue 18)
    MESSAGE_SENT = "messaging.message_sent"
    MESSAGE_SEND_BLOCKED = "messaging.send_blocked"
    MESSAGE_RETRACTED = "messaging.message_retracted"
    MESSAGING_RULE_CHANGED = "messaging.screening_rule_changed"
    MESSAGING_SETTINGS_CHANGED = "messaging.settings_changed"
    # messaging: records retention and disposal (m18f)
    RETENTION_SCHEDULE_ADDED = "messaging.retention_schedule_added"
    DISPOSAL_CERTIFICATE_ADDED = "messaging.disposal_certificate_added"
    LEGAL_HOLD_PLACED = "messaging.legal_hold_placed"
    LEGAL_HOLD_RELEASED = "messaging.legal_hold_released"
    MESSAGES_DISPOSED = "messaging.messages_disposed"
    # m18a: family and student accounts, preferences, contact restrictions (issue 18)
    FAMILY_INVITED = "messaging.family_invited"
    INVITATION_CLAIMED = "messaging.invitation_claimed"
    SIGN_IN_LINK_SENT = "messaging.sign_in_link_sent"
    SIGN_IN_LINK_USED = "messaging.sign_in_link_used"
    CONTACT_PREFERENCE_CHANGED = "messaging.contact_preference_changed"
    CONTACT_RESTRICTION_RECORDED = "messaging.contact_restriction_recorded"
    CONTACT_RESTRICTION_ENDED = "messaging.contact_restriction_ended"
    FAMILY_ACCOUNT_SETTINGS_CHANGED = "messaging.family_account_settings_changed"
    FORMER_FAMILIES_SIGNED_OUT = "people.former_families_signed_out"
    # m18d: quiet hours, the review queue, referral to a case
    MESSAGE_MARKED_URGENT = "messaging.message_marked_urgent"
    MESSAGE_HELD = "messaging.message_held"
    MESSAGE_RELEASED = "messaging.message_released"
    MESSAGE_REPORTED = "messaging.message_reported"
    QUIET_HOURS_CHANGED = "messaging.quiet_hours_changed"
    REVIEW_ITEM_OPENED = "messaging.review_item_opened"
    REVIEW_ITEM_ESCALATED = "messaging.review_item_escalated"
    REVIEW_OUTCOME_RECORDED = "messaging.review_outcome_recorded"
    # m18b: e-mail delivery and `chalkline mail-in`
    MESSAGE_EMAIL_REPLY_RECEIVED = "messaging.email_reply_received"
    MESSAGE_EMAIL_BOUNCED = "messaging.email_bounced"
    MESSAGE_DIGESTS_QUEUED = "messaging.digests_queued"
    OFFICE_HOURS_SET = "messaging.office_hours_set"
    # issue 18, media releases (m18c)
    MEDIA_FLAGS_CHANGED = "people.media_flags_changed"
    MEDIA_UNKNOWN_RULE_CHANGED = "messaging.unknown_media_release_changed"

    # the archive: search, reads and exports (issue 18, m18e)
    ARCHIVE_SEARCHED = "messaging.archive_searched"
    ARCHIVE_THREAD_READ = "messaging.archive_thread_read"
    ARCHIVE_EXPORT_REQUESTED = "messaging.archive_export_requested"
    ARCHIVE_EXPORT_MADE = "messaging.archive_export_made"
    ARCHIVE_EXPORT_FAILED = "messaging.archive_export_failed"
    ARCHIVE_EXPORT_DOWNLOADED = "messaging.archive_export_downloaded"
    # staff groups, a messaging audience (issue 18)
    STAFF_GROUP_CREATED = "messaging.staff_group_created"
    STAFF_GROUP_CHANGED = "messaging.staff_group_changed"
    STAFF_GROUP_MEMBER_ADDED = "messaging.staff_group_member_added"
    STAFF_GROUP_MEMBER_REMOVED = "messaging.staff_group_member_removed"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: dict[Action, str] = {
    Action.DISTRICT_CREATED: "Created the district",
    Action.DISTRICT_DEMO_LOADED: "Loaded the demo data",
    Action.MEMBERSHIP_GRANTED: "Granted a role",
    Action.MEMBERSHIP_REVOKED: "Revoked a role",
    Action.ACCOUNT_CREATED: "Created a sign-in account",
    Action.DIRECTORY_IMPORTED: "Imported the directory",
    Action.DIRECTORY_IMPORT_FAILED: "Directory import failed",
    Action.DIRECTORY_ROLE_CONFIRMED: "Confirmed a suggested role",
    Action.DIRECTORY_ROLE_DISMISSED: "Dismissed a suggested role",
    Action.DIRECTORY_IMPORT_LOCK_TAKEN_OVER: "Took over the directory import lock",
    Action.ACCESS_SUSPENDED: "Suspended the access of people who left",
    Action.SIGN_IN_PROVIDER_CONFIGURED: "Configured a sign-in provider",
    Action.SIGN_IN_PROVIDER_CHANGED: "Changed a sign-in provider",
    Action.SIGN_IN_PROVIDER_DEACTIVATED: "Turned off a sign-in provider",
    Action.SIGN_IN_PROVIDER_REACTIVATED: "Turned a sign-in provider back on",
    Action.SIGN_IN_LINKED: "Linked an account to the district's sign-in provider",
    Action.LOCAL_PASSWORDS_SET: "Changed whether staff may sign in with a password",
    Action.SECOND_FACTOR_ADDED: "Added a second factor (authenticator app) to an account",
    Action.POLICY_IMPORTED: "Imported a policy",
    Action.POLICY_IMPORT_QUEUED: "Queued a policy import",
    Action.POLICY_IMPORT_FAILED: "A policy import was refused",
    Action.POLICY_DRAFT_REPLACED: "Replaced a policy draft",
    Action.POLICY_DRAFT_EDITED: "Edited a policy draft",
    Action.POLICY_PUBLISHED: "Published a policy version",
    Action.POLICY_DRAFT_STARTED: "Started a draft from the published text",
    Action.GUIDELINE_CREATED: "Created a guideline",
    Action.GUIDELINE_DRAFT_EDITED: "Edited a guideline draft",
    Action.GUIDELINE_PUBLISHED: "Published a guideline version",
    Action.ACK_CAMPAIGN_CREATED: "Created an acknowledgment campaign",
    Action.ACK_CAMPAIGN_LAUNCHED: "Launched an acknowledgment campaign",
    Action.ACK_DISTRIBUTED: "Distributed the packet",
    Action.ACK_LEAVERS_CLOSED: "Closed the assignments of leavers",
    Action.ACK_NEW_HIRES_ASSIGNED: "Assigned new hires",
    Action.ACK_FOLLOW_UP_OPENED: "Opened a follow-up campaign",
    Action.ACK_PACKET_OPENED: "Opened the packet",
    Action.ACK_PACKET_READ: "Finished reading the packet",
    Action.ACK_ECONSENT_GIVEN: "Gave e-consent",
    Action.ACK_SIGNED: "Signed the acknowledgment",
    Action.ACK_PAPER_RECORDED: "Recorded a paper acknowledgment",
    Action.ACK_PROXY_RECORDED: "Recorded a proxy acknowledgment",
    Action.ACK_REFUSED: "Refused the acknowledgment",
    Action.ACK_REMINDERS_QUEUED: "Queued reminders",
    Action.ACK_BULK_REMINDER_SENT: "Sent a reminder to everyone outstanding",
    Action.ACK_QUIET_HOURS_CHANGED: "Changed the quiet hours",
    Action.ACK_EXPORTED: "Exported acknowledgment records",
    Action.MAIL_QUEUED: "Queued e-mail",
    Action.MAIL_RETRY_REQUESTED: "Asked to retry failed e-mail",
    Action.TRAINING_CREATED: "Created a training",
    Action.TRAINING_SESSION_SCHEDULED: "Scheduled a training session",
    Action.TRAINING_ROSTER_ADDED: "Added people to a training roster",
    Action.TRAINING_CHECKED_IN: "Checked in to a training session with the QR code",
    Action.TRAINING_ATTENDANCE_MARKED: "Marked attendance at a training session",
    Action.TRAINING_MODULE_COMPLETED: "Completed a self-paced training module",
    Action.TRAINING_CHECK_FAILED: "Did not pass a training's knowledge check",
    Action.TRAINING_SETTINGS_CHANGED: "Changed the training settings",
    Action.TRAINING_REMINDERS_SENT: "Sent training renewal reminders",
    Action.TRAINING_REQUIRED_BY_CAMPAIGN: "Required a training before an acknowledgment",
    Action.REVIEW_SCHEDULE_SET: "Set a policy's review schedule",
    Action.REVIEW_REMINDERS_SENT: "Sent policy review reminders",
    Action.REVIEW_OPENED: "Opened a policy review",
    Action.REVIEW_DRAFT_SAVED: "Saved a review's draft",
    Action.REVIEW_COMMENTED: "Commented on a review's draft",
    Action.REVIEW_COMMENT_RESOLVED: "Resolved a review comment",
    Action.BOARD_ITEM_PLACED: "Put a policy draft on the Board's agenda",
    Action.BOARD_READING_RECORDED: "Recorded a Board reading",
    Action.BOARD_ADOPTION_RECORDED: "Recorded the Board's adoption of a policy",
    Action.BOARD_COVER_MEMO_EDITED: "Edited a Board packet's cover memo",
    Action.BOARD_PACKET_MADE: "Made a Board packet",
    Action.REVIEW_MODEL_IMPORTED: "Imported a newer model policy text",
    Action.REVIEW_MODEL_CHANGE_DECIDED: "Took a model change into a draft, or left it out",
    Action.DRAFT_CHECK_KEPT: "Kept a draft check",
    Action.MESSAGE_SENT: "Sent a message in the messaging hub",
    Action.MESSAGE_SEND_BLOCKED: "A message was blocked by screening before it was sent",
    Action.MESSAGE_RETRACTED: "Retracted a sent message",
    Action.MESSAGING_RULE_CHANGED: "Changed what a screening finding does to a message",
    Action.MESSAGING_SETTINGS_CHANGED: "Changed the messaging hub's settings",
    Action.API_ACCESS_GRANTED: "Created an API token",
    Action.API_ACCESS_REVOKED: "Revoked an API token",
    Action.API_SCREENED: "Screened messages through the API",
    Action.AUDIT_EXPORTED: "Exported the audit log",
    Action.AUDIT_CHECKPOINT_WRITTEN: "Wrote an audit checkpoint",
    Action.AUDIT_RESTORE_RECORDED: "Recorded a restore from backup",
    Action.AUDIT_CHAIN_VERIFIED: "Verified the audit chain",
    Action.REGISTRY_APP_REQUESTED: "Asked for an app to be approved",
    Action.REGISTRY_APP_REVIEWED: "Reviewed an app",
    Action.REGISTRY_CHANGES_ASKED: "Asked for changes to an app request",
    Action.REGISTRY_APP_REFUSED: "Refused an app",
    Action.REGISTRY_APP_APPROVED: "Approved an app and filed its agreement",
    Action.REGISTRY_AGREEMENT_POSTED: "Posted an app's agreement on the privacy page",
    Action.REGISTRY_APP_RETIRED: "Retired an app",
    Action.REGISTRY_IMPORTED: "Imported apps into the registry",
    Action.REGISTRY_BREACH_LOGGED: "Logged a data breach",
    Action.REGISTRY_BREACH_NOTICE_DELAYED: "Recorded a delay of a breach notice",
    Action.REGISTRY_BREACH_NOTICE_EXPORTED: "Exported a breach notice's recipients",
    Action.REGISTRY_PRIVACY_PAGE_EDITED: "Edited the public privacy page",
    Action.REGISTRY_LOGO_REQUESTED: "Asked for permission to use the District logo",
    Action.REGISTRY_LOGO_GRANTED: "Granted permission to use the District logo",
    Action.REGISTRY_LOGO_REFUSED: "Refused permission to use the District logo",
    Action.REGISTRY_LOGO_REVOKED: "Revoked permission to use the District logo",
    Action.REGISTRY_LOGO_IMAGE_ADDED: "Added an image of the District logo for screening",
    Action.REGISTRY_LOGO_IMAGE_REMOVED: "Removed an image of the District logo from screening",
    Action.CASE_OPENED: "Opened a case",
    Action.CASE_VIEWED: "Viewed a case",
    Action.CASE_EXPORTED: "Exported a case",
    Action.CASE_TRIAGED: "Triaged a case",
    Action.CASE_NOTE_ADDED: "Added a note to a case",
    Action.CASE_EVIDENCE_ADDED: "Added evidence to a case",
    Action.CASE_EVIDENCE_VIEWED: "Opened a case's evidence",
    Action.CASE_NOTICE_SENT: "Sent notice to the employee",
    Action.CASE_RESPONSE_ADDED: "Responded in writing to a case",
    Action.CASE_REP_INVITED: "Invited the employee representative to a case",
    Action.CASE_FINDINGS_RECORDED: "Recorded a case's findings",
    Action.CASE_OUTCOME_RECORDED: "Recorded a case's outcome",
    Action.CASE_OUTCOME_ACKNOWLEDGED: "Acknowledged a case's outcome",
    Action.CASE_REFUSAL_WITNESSED: "Recorded a witnessed refusal to acknowledge an outcome",
    Action.CASE_PAUSED: "Paused a case",
    Action.CASE_RESUMED: "Resumed a case",
    Action.CASE_CLOSED: "Closed a case",
    Action.CASE_AMENDED: "Added an amendment to a closed case",
    Action.CASE_REMINDERS_SENT: "Sent case due-date reminders",
    Action.CASE_DISCLOSED: "Disclosed a disciplinary record to a third party",
    Action.CASE_OUTCOMES_CHANGED: "Changed the district's list of case outcomes",
    Action.PERSONNEL_INSPECTION_REQUESTED: "Asked to inspect a personnel file",
    Action.PERSONNEL_INSPECTION_EXTENDED: "Took 7 more working days for a personnel-file inspection",
    Action.PERSONNEL_INSPECTION_FULFILLED: "Provided a personnel-file inspection",
    Action.PERSONNEL_FILE_VIEWED: "Viewed a personnel file",
    Action.CASE_LEGAL_HOLD_SET: "Placed or lifted a legal hold on a case",
    Action.CASE_PURGED: "Deleted cases past their retention period",
    Action.CASE_REVIEW_EXPORTED: "Exported the case counts for the periodic review",
    Action.MANDATED_REPORT_LOGGED: "Logged a report to DCFS",
    Action.MANDATED_LOG_VIEWED: "Viewed the mandated-report log",
    # messaging: records retention and disposal (m18f)
    Action.RETENTION_SCHEDULE_ADDED: "Entered an approved records retention schedule item",
    Action.DISPOSAL_CERTIFICATE_ADDED: "Entered an approved records disposal certificate",
    Action.LEGAL_HOLD_PLACED: "Placed a legal hold on messages",
    Action.LEGAL_HOLD_RELEASED: "Released a legal hold on messages",
    Action.MESSAGES_DISPOSED: "Disposed of messages under a disposal certificate",
    # m18a: family and student accounts, preferences, contact restrictions (issue 18)
    Action.FAMILY_INVITED: "Invited guardians or students to the messaging hub",
    Action.INVITATION_CLAIMED: "Claimed an invitation to the messaging hub",
    Action.SIGN_IN_LINK_SENT: "Sent a one-time sign-in link",
    Action.SIGN_IN_LINK_USED: "Signed in with a one-time link",
    Action.CONTACT_PREFERENCE_CHANGED: "Changed their language or contact preferences",
    Action.CONTACT_RESTRICTION_RECORDED: "Recorded a contact restriction",
    Action.CONTACT_RESTRICTION_ENDED: "Ended a contact restriction",
    Action.FAMILY_ACCOUNT_SETTINGS_CHANGED: "Changed who may be invited to the messaging hub",
    Action.FORMER_FAMILIES_SIGNED_OUT: "Former students and their families no longer sign in",
    # m18d: quiet hours, the review queue, referral to a case
    Action.MESSAGE_MARKED_URGENT: "Marked a message urgent (delivered even in quiet hours)",
    Action.MESSAGE_HELD: "A message was held for quiet hours",
    Action.MESSAGE_RELEASED: "A message held for quiet hours was delivered",
    Action.MESSAGE_REPORTED: "Reported a received message for review",
    Action.QUIET_HOURS_CHANGED: "Changed the quiet hours or the review queue's settings",
    Action.REVIEW_ITEM_OPENED: "A message was put in the review queue",
    Action.REVIEW_ITEM_ESCALATED: "A review item went to the designee",
    Action.REVIEW_OUTCOME_RECORDED: "Recorded the outcome of a message review",
    # m18b: e-mail delivery and `chalkline mail-in`
    Action.MESSAGE_EMAIL_REPLY_RECEIVED: "Received a reply by e-mail into a thread",
    Action.MESSAGE_EMAIL_BOUNCED: "An e-mailed message bounced",
    Action.MESSAGE_DIGESTS_QUEUED: "Queued the daily message digests",
    Action.OFFICE_HOURS_SET: "Set office hours",
    # issue 18, media releases (m18c)
    Action.MEDIA_FLAGS_CHANGED: "Recorded students' media releases or directory opt-outs",
    Action.MEDIA_UNKNOWN_RULE_CHANGED: "Changed what an unknown media release means for photos",
    # the archive: search, reads and exports (issue 18, m18e)
    Action.ARCHIVE_SEARCHED: "Searched the message archive",
    Action.ARCHIVE_THREAD_READ: "Read a thread in the message archive",
    Action.ARCHIVE_EXPORT_REQUESTED: "Asked for an export of the message archive",
    Action.ARCHIVE_EXPORT_MADE: "Made an export of the message archive",
    Action.ARCHIVE_EXPORT_FAILED: "An export of the message archive failed",
    Action.ARCHIVE_EXPORT_DOWNLOADED: "Downloaded an export of the message archive",
    # staff groups, a messaging audience (issue 18)
    Action.STAFF_GROUP_CREATED: "Created a staff group",
    Action.STAFF_GROUP_CHANGED: "Renamed, described, retired or restored a staff group",
    Action.STAFF_GROUP_MEMBER_ADDED: "Added a staff member to a staff group",
    Action.STAFF_GROUP_MEMBER_REMOVED: "Removed a staff member from a staff group",
}

# Spellings written by earlier versions -> today's action. Old rows keep their text.
LEGACY: dict[str, Action] = {
    "policies.import": Action.POLICY_IMPORTED,
    "policies.replace_draft": Action.POLICY_DRAFT_REPLACED,
    "policies.edit_draft": Action.POLICY_DRAFT_EDITED,
    "policies.publish": Action.POLICY_PUBLISHED,
    "policies.create_guideline": Action.GUIDELINE_CREATED,
    "policies.edit_guideline_draft": Action.GUIDELINE_DRAFT_EDITED,
    "policies.publish_guideline": Action.GUIDELINE_PUBLISHED,
    "acks.econsent": Action.ACK_ECONSENT_GIVEN,
    "acks.paper": Action.ACK_PAPER_RECORDED,
    "acks.proxy": Action.ACK_PROXY_RECORDED,
    "acks.bulk_reminder": Action.ACK_BULK_REMINDER_SENT,
    "acks.quiet_hours": Action.ACK_QUIET_HOURS_CHANGED,
    "screening.draft_check_kept": Action.DRAFT_CHECK_KEPT,
}

# Old target types -> today's (the draft-check model moved from screening to drafts).
TARGET_ALIASES: dict[str, str] = {"screening.draftcheck": "drafts.draftcheck"}


def action_of(stored: str) -> Action | None:
    """Today's action for a stored action text (old or new spelling); None when unknown."""
    if stored in LEGACY:
        return LEGACY[stored]
    try:
        return Action(stored)
    except ValueError:
        return None


def action_label(stored: str) -> str:
    """What people read for a stored action: its label, or the text itself when unknown."""
    action = action_of(stored)
    return action.label if action is not None else stored


def target_type_of(stored: str) -> str:
    return TARGET_ALIASES.get(stored, stored)


def spellings_of_action_prefix(prefix: str) -> tuple[list[str], list[str]]:
    """For a filter by action prefix: (prefixes, exact texts) that find every stored spelling,
    old or new, of the actions the prefix means."""
    exact = {old for old, new in LEGACY.items() if new.startswith(prefix)}
    exact |= {new.value for old, new in LEGACY.items() if old.startswith(prefix)}
    return [prefix], sorted(exact)


def spellings_of_target_type(target_type: str) -> list[str]:
    """Every stored target type that displays as ``target_type``."""
    shown = target_type_of(target_type)
    return sorted({shown} | {old for old, new in TARGET_ALIASES.items() if new == shown})
