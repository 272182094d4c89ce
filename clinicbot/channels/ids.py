"""The id space of each channel: the one place that knows how a conversation id is made from a channel's own id.

Rasa keeps every conversation under one sender id in one tracker store, whatever channel it came
through, so each channel gets ids no other channel can produce:

| channel    | conversation id          | from                                              |
|------------|--------------------------|---------------------------------------------------|
| `rest`     | `rest:<sender as given>` | the caller's `sender` (any string)                |
| `telegram` | `telegram:<chat id>`     | Telegram's integer chat id (negative for groups)  |
| `whatsapp` | `whatsapp:+<digits>`     | Twilio's `From`, as it is (E.164 after `whatsapp:`) |
| `socketio` | `web-<32 hex>`           | the session the server issued (never the client)  |

The prefixes are disjoint and none starts another, so whatever a REST caller sends lands under
`rest:` and no other channel can make a `rest:` id. An output channel is handed conversation ids;
`recipient` gives back the address the channel's API wants (Telegram's bare chat id).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

REST, TELEGRAM, WHATSAPP, WIDGET = "rest", "telegram", "whatsapp", "socketio"
PREFIXES: Dict[str, str] = {REST: "rest:", TELEGRAM: "telegram:", WHATSAPP: "whatsapp:", WIDGET: "web-"}
# Rasa's SQL tracker store keeps sender ids in a VARCHAR(255).
MAX_ID_CHARS = 255
MAX_REST_SENDER_CHARS = MAX_ID_CHARS - len(PREFIXES[REST])

_WHATSAPP = re.compile(r"whatsapp:\+[1-9][0-9]{6,14}")  # [0-9], not \d: no other scripts' digits
_TELEGRAM = re.compile(r"-?[1-9][0-9]{0,18}")
_WIDGET = re.compile(r"[0-9a-f]{32}")


def rest_id(sender: str) -> str:
    """The conversation id of a REST caller's `sender`; ValueError when it is empty or too long."""
    if not isinstance(sender, str) or not sender or len(sender) > MAX_REST_SENDER_CHARS:
        raise ValueError(f"a REST sender is a string of 1 to {MAX_REST_SENDER_CHARS} characters")
    return PREFIXES[REST] + sender


def telegram_id(chat_id: Any) -> Optional[str]:
    """The conversation id of a Telegram chat, or None when the chat id is not an integer."""
    if isinstance(chat_id, bool) or not isinstance(chat_id, int) or not _TELEGRAM.fullmatch(str(chat_id)):
        return None
    return PREFIXES[TELEGRAM] + str(chat_id)


def whatsapp_id(sender: Any) -> Optional[str]:
    """The conversation id of a WhatsApp sender (Twilio's `From`, kept as it is), or None when it is not one."""
    return sender if isinstance(sender, str) and _WHATSAPP.fullmatch(sender) else None


def widget_id(session: str) -> str:
    """The conversation id of a widget session the server issued (32 hex digits); ValueError for anything else."""
    if not isinstance(session, str) or not _WIDGET.fullmatch(session):
        raise ValueError("a widget session is 32 lowercase hex digits")
    return PREFIXES[WIDGET] + session


def conversation_id(channel: str, external: Any) -> Optional[str]:
    """The conversation id of a channel's own id, or None when that channel cannot have such an id."""
    if channel == TELEGRAM:
        return telegram_id(external)
    if channel == WHATSAPP:
        return whatsapp_id(external)
    try:
        if channel == REST:
            return rest_id(external)
        if channel == WIDGET:
            return widget_id(external)
    except ValueError:
        return None
    raise ValueError(f"unknown channel {channel!r}")


def channel_of(conversation_id: str) -> Optional[str]:
    """The channel whose id space holds `conversation_id`, or None (an id from before the cut-over)."""
    for channel, prefix in PREFIXES.items():
        if conversation_id.startswith(prefix):
            return channel if conversation_id_of(channel, conversation_id) else None
    return None


def conversation_id_of(channel: str, conversation_id: str) -> Optional[str]:
    """`conversation_id` itself when it is a well-formed id of `channel`, else None."""
    prefix = PREFIXES[channel]
    if not conversation_id.startswith(prefix):
        return None
    rest = conversation_id[len(prefix) :]
    if channel == TELEGRAM:
        return conversation_id if _TELEGRAM.fullmatch(rest) else None
    if channel == WHATSAPP:
        return whatsapp_id(conversation_id)
    if channel == WIDGET:
        return conversation_id if _WIDGET.fullmatch(rest) else None
    return conversation_id if 0 < len(rest) <= MAX_REST_SENDER_CHARS else None


def recipient(channel: str, conversation_id: str) -> str:
    """The address the channel's API wants for a conversation of that channel; ValueError for another's id."""
    if conversation_id_of(channel, conversation_id) is None:
        raise ValueError(f"not a {channel} conversation")
    if channel in (TELEGRAM, REST):
        return conversation_id[len(PREFIXES[channel]) :]
    return conversation_id  # Twilio addresses `whatsapp:+...`; the widget's room is the conversation id


def has_known_prefix(sender_id: str) -> bool:
    """Whether a stored sender id starts with any channel's prefix (ids from before the cut-over have none)."""
    return any(sender_id.startswith(p) for p in PREFIXES.values())
