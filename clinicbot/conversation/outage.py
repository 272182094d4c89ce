"""What the visitor is told when their conversation cannot be read or kept (its database is down).

The message counts as not accepted: nothing of it is kept anywhere, and the visitor is asked to send
it again in a minute, when it is answered in context. The red-flag screen needs no database, so a
message that tells a red flag still gets its advice first: the emergency card, or the urgent advice.
"""

from __future__ import annotations

from typing import List

from clinicbot.content import clinic
from clinicbot.conversation.cards import emergency_card
from clinicbot.conversation.kinds import Level
from clinicbot.conversation.language import follow
from clinicbot.conversation.step import Say
from clinicbot.conversation.wording import ENGLISH, wording


class ConversationUnavailable(RuntimeError):
    """The conversation's store could not be read or written, after brief retries."""


def outage_reply(text: str) -> List[Say]:
    """The red-flag advice the words call for, if any, then: please send it again, or call."""
    from clinicbot.assessment import observations
    from clinicbot.nlp.extractor import default_extractor
    from clinicbot.triage.engine import assess

    w = wording(follow(None, text or "") or ENGLISH)
    says: List[Say] = []
    extraction = default_extractor().extract(text or "")
    findings = observations(extraction)
    result = assess(findings, extraction.values)
    if result.level == Level.EMERGENCY.value:
        says.append(emergency_card(result, findings, extraction.values, w, w.advice.levels[result.level]))
    elif result.level == Level.URGENT.value and result.red_flags:
        says.append(Say(w.advice.levels[result.level]))
    says.append(Say(w.text("outage", phone=clinic().phone)))
    return says
