"""Alerts to the clinic about red-flag escalations: e-mail (SMTP) and a signed webhook, sent from the outbox."""
