"""The ids the conversation reasons about, as enums (a test checks them against the vocabulary)."""

from __future__ import annotations

from enum import Enum


class Level(str, Enum):
    """Urgency levels, most urgent first (vocabulary.yml `levels`)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"
    SELF_CARE = "self_care"


class Kind(str, Enum):
    """What kind of turn a message is, before its findings are read."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"
    SYMPTOMS = "symptoms"  # tells about the back: starts or carries on the interview, findings or not
    STATEMENT = "statement"  # tells something else, or an answer in words
    CANCEL = "cancel"
    FAQ = "faq"
    BOT_QUESTION = "bot_question"
    CLINIC = "clinic"  # a question about the clinic (hours, fees, another problem, a person): never a booking
    BOOK = "book"
    GREET = "greet"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    OUT_OF_SCOPE = "out_of_scope"
    UNCLEAR = "unclear"


class Mode(str, Enum):
    """Where the conversation is."""

    IDLE = "idle"  # nothing asked
    INTERVIEW = "interview"  # a screening question is pending
    OUTCOME = "outcome"  # the outcome was given with a booking offer
    BOOKING = "booking"  # a booking question is pending
    EMERGENCY = "emergency"  # the emergency message was given: every turn repeats it
