"""Where the Spark 4.2 environment of the real-I/O runs lives: .ci/jvm.sh makes it there, tests/realio runs in it.

Run as a script it prints that folder (for .ci/jvm.sh); standard library only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def io_python() -> Path:
    """$LAKESTREAM_IO_PYTHON; else the environment inside the running virtual environment, since it reaches that
    environment's packages (a shared one would follow whichever venv set it up last); else
    ~/.cache/lakestream/spark42."""
    given = os.environ.get("LAKESTREAM_IO_PYTHON")
    if given:
        return Path(given)
    in_venv = sys.prefix != sys.base_prefix
    root = Path(sys.prefix) / "lakestream-spark42" if in_venv else Path.home() / ".cache/lakestream/spark42"
    return root / "bin" / "python"


if __name__ == "__main__":
    print(io_python().parents[1])
