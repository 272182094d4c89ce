"""Authenticated channels (Telegram, WhatsApp through Twilio): Rasa input channels, enabled by environment."""
