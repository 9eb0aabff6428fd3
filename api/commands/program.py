"""The name to print in a hint, so the line can be pasted into the same shell.

``make demo`` runs ``.venv/bin/agriledger`` and a fresh clone has no ``agriledger`` on
its PATH: a hint saying ``agriledger verify ...`` would fail there. So hints name the
program as the user reached it: plain ``agriledger`` when that is what the PATH finds,
else the path they ran.
"""

from __future__ import annotations

import os
import shutil
import sys

NAME = "agriledger"


def program(argv0: str | None = None) -> str:
    """``agriledger`` if the PATH finds this very program, else the path it was run by."""
    ran = argv0 if argv0 is not None else sys.argv[0]
    if os.path.basename(ran) != NAME:
        return NAME
    found = shutil.which(NAME)
    if found is not None and os.path.realpath(found) == os.path.realpath(ran):
        return NAME
    return ran
