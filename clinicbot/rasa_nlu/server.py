"""`python -m clinicbot.rasa_nlu.server run ...`: Rasa's own command line, with the speed-up installed first.

The patch is installed here, explicitly, before Rasa starts, and not as a side effect of importing
the NLU components.
"""

from __future__ import annotations


def main() -> None:
    """Installs the speed-up, then hands the command line to Rasa."""
    from clinicbot.rasa_nlu import speedups

    speedups.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
