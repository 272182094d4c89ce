"""Rasa SDK glue: read slots, call clinicbot, return events and messages."""
