"""``python -m segkit.sample sample_data`` regenerates the bundled sample folder."""

import sys

from segkit.sample.cli import main

sys.exit(main())
