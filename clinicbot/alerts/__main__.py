"""`python -m clinicbot.alerts`: the alert worker (the same as `clinicbot alerts run`)."""

import sys

from clinicbot.alerts.worker import main

sys.exit(main(once="--once" in sys.argv[1:]))
