"""Hints print the program as the user reached it, so they paste into the same shell.

A fresh clone has no ``agriledger`` on its PATH: ``make demo`` runs
``.venv/bin/agriledger``, and a hint saying plain ``agriledger verify`` failed there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.commands.program import program

VENV_BIN = Path(sys.executable).parent


def test_a_program_the_path_does_not_find_is_printed_as_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert program(".venv/bin/agriledger") == ".venv/bin/agriledger"


def test_the_program_the_path_finds_is_printed_by_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", f"{VENV_BIN}:/usr/bin:/bin")
    assert program(str(VENV_BIN / "agriledger")) == "agriledger"


def test_network_init_run_by_path_prints_hints_that_paste(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    typed = os.path.relpath(VENV_BIN / "agriledger", tmp_path)
    done = subprocess.run(
        [typed, "network", "init", "net", "--template", "small"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    commands = [line.strip() for line in lines[lines.index("next:") + 1:]]
    assert commands, done.stdout
    assert all(line.startswith(f"{typed} ") for line in commands), commands
