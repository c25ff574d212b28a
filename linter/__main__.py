"""``python -m linter`` runs the ``copydesk`` command."""

import sys

from .cli import main

sys.exit(main())
