"""`python -m clinicbot.rasa_nlu.server run ...`: Rasa's own command line, with our changes installed first.

The speed-up (speedups.py) and the tracker store without a fall-back to memory (tracker_store.py)
are installed here, explicitly, before Rasa starts, and not as a side effect of an import.
"""

from __future__ import annotations


def main() -> None:
    """Installs the speed-up and the strict tracker store, then hands the command line to Rasa."""
    from clinicbot.rasa_nlu import speedups, tracker_store

    speedups.install()
    tracker_store.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
