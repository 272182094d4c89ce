"""Triage: findings -> urgency level, red flags, likely causes and the reasons."""
