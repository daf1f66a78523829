"""``python -m workplan_docs``: the ``workplan-docs`` command, for a Python without the script on PATH."""

import sys

from .cli import main

sys.exit(main())
