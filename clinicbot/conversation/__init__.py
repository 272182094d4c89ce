"""The conversation core: a consultation that takes typed turns and gives steps, without Rasa.

`Consultation.apply(turn)` is the whole interview, the booking form and the emergency handling;
channels and the Rasa adapter (actions/) only translate to and from it.
"""

from clinicbot.conversation.consultation import Consultation
from clinicbot.conversation.kinds import Kind, Level, Mode
from clinicbot.conversation.records import BookingRequest, Outcome, Recorder, Saved
from clinicbot.conversation.step import Button, Say, Step
from clinicbot.conversation.store_records import StoreRecorder
from clinicbot.conversation.turn import Turn

__all__ = [
    "BookingRequest",
    "Button",
    "Consultation",
    "Kind",
    "Level",
    "Mode",
    "Outcome",
    "Recorder",
    "Saved",
    "Say",
    "Step",
    "StoreRecorder",
    "Turn",
]
