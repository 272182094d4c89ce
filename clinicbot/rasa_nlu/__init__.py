"""Rasa's side of the project: the NLU components (components.py), the server's start (server.py)
with its measured speed-up (speedups.py), the atomic Redis lock store (lock_store.py). Only the Rasa
server loads this package."""
