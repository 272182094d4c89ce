"""What a visitor answers in the e2e conversations: one script, shared by the tests that need it."""

from __future__ import annotations

from typing import Callable

# The screening and ranking questions (matched by a phrase of the bot's question) and a plain answer.
SCREENING_ANSWERS = {
    "between your legs": "no",
    "bladder": "no",
    "both of your legs": "no",
    "fever": "no",
    "travel into": "no",
    "How old": "34",
    "back pain from the gym before": "yes",
    "Where is the pain": "both sides",
    "What makes it worse": "bending forward",
}
SORE_BACK = "my lower back is sore on both sides after heavy squats yesterday"


def to_outcome(say: Callable[[str, str], str], sender: str, first: str = SORE_BACK, turns: int = 12) -> str:
    """Says ``first``, answers every question until the outcome (its disclaimer), returns that reply."""
    reply = say(sender, first)
    for _ in range(turns):
        if "not a diagnosis" in reply:
            break
        reply = say(sender, next(v for k, v in SCREENING_ANSWERS.items() if k in reply))
    return reply
