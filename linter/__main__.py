"""``python -m linter`` runs the ``copydesk`` command."""

import sys

from .launch import main

sys.exit(main())
