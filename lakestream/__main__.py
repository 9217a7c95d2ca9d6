"""`python -m lakestream` runs the CLI."""

import sys

from lakestream.cli import main

sys.exit(main())
