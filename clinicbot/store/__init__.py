"""The clinic's conversation and booking store (SQLAlchemy, plain Python: no Rasa, no web app)."""
