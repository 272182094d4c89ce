"""Slot, intent, action and form names used from Python (one place)."""

from typing import Any


def latest_intent(tracker: Any) -> str:
    """The name of the intent of the latest user message ("" when there is none)."""
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


FINDINGS = "findings"
VALUES = "clinical_values"
TRIAGE_LEVEL = "triage_level"
RED_FLAGS = "red_flags"
LIKELY_CAUSES = "likely_causes"
RULES_VERSION = "rules_version"
REQUESTED_SLOT = "requested_slot"

SCREENING_FORM = "screening_form"
EMERGENCY = "emergency"
URGENT = "urgent"
INTENT_AFFIRM = "affirm"
INTENT_DENY = "deny"
# Intents after which the outcome itself is given (so a new red flag needs no separate notice).
OUTCOME_INTENTS = ("describe_symptoms", "emergency")

ACTION_UPDATE_TRIAGE = "action_update_triage"
ACTION_TRIAGE_OUTCOME = "action_triage_outcome"
ACTION_ANSWER_FAQ = "action_answer_faq"
ACTION_FALLBACK = "action_fallback"
VALIDATE_SCREENING_FORM = "validate_screening_form"
UTTER_DEFAULT = "utter_default"
UTTER_REPEAT_PREFIX = "utter_ask_"

# Booking form
BOOKING_FORM = "booking_form"
VALIDATE_BOOKING_FORM = "validate_booking_form"
B_NAME = "booking_name"
B_PHONE = "booking_phone"
B_LOCATION = "booking_location"
B_TIME = "booking_time"
B_CONSENT = "booking_consent"
B_CONFIRM = "booking_confirm"
B_TRIES = "booking_tries"
B_STATUS = "booking_status"
BOOKING_SAVED = "booking_saved"
SCREENING_STOPPED = "screening_stopped"
STATUS_DECLINED = "declined"
STATUS_ABORTED = "aborted"
STATUS_CANCELLED = "cancelled"
INTENT_CANCEL = "cancel"
ACTION_ASK_BOOKING_TIME = "action_ask_booking_time"
ACTION_ASK_BOOKING_CONSENT = "action_ask_booking_consent"
ACTION_ASK_BOOKING_CONFIRM = "action_ask_booking_confirm"
ACTION_FINISH_BOOKING = "action_finish_booking"
