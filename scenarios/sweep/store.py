"""The sweep's rows on disk: appended one JSON line per finished run, so a sweep resumes.

``rows.jsonl`` is the journal: a run's row is written (and flushed to disk) the moment
it finishes, and a resumed sweep skips every (parameters, seed) it finds there. The
table (``table.parquet``) is written from the journal at the end, sorted by parameters
and seed and with columns in a fixed order, so the same sweep gives the same table.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from scenarios.sweep.params import SweepError, Value
from scenarios.sweep.run_one import RunRow

KEY_COLUMNS = ("seed",)


def run_key(values: dict[str, Value], seed: int) -> str:
    return json.dumps({"params": values, "seed": seed}, sort_keys=True)


def row_key(row: RunRow) -> str:
    values = {k[len("param."):]: v for k, v in row.items() if k.startswith("param.")}
    return run_key(values, int(row["seed"]))


class Journal:
    """Finished rows of one sweep directory, and the definition they belong to."""

    def __init__(self, out: Path, definition: dict[str, Any]) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.path = out / "rows.jsonl"
        fingerprint = hashlib.sha256(
            json.dumps(definition, sort_keys=True).encode()
        ).hexdigest()
        marker = out / "sweep.json"
        if marker.exists():
            old = json.loads(marker.read_text())
            if old.get("fingerprint") != fingerprint:
                raise SweepError(
                    "--out",
                    f"{out} holds a different sweep (scenario or parameters changed); "
                    "choose another --out or remove it",
                )
        else:
            marker.write_text(
                json.dumps({"fingerprint": fingerprint, **definition}, indent=2, sort_keys=True)
            )
        self.rows: dict[str, RunRow] = {}
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by the interrupt: that run reruns
                self.rows[row_key(row)] = row

    def done(self, values: dict[str, Value], seed: int) -> bool:
        return run_key(values, seed) in self.rows

    def append(self, row: RunRow) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.rows[row_key(row)] = row

    def table(self, keys: Iterable[str]) -> pa.Table:
        """The rows of this plan, sorted by plan order; absent metrics are 0."""
        rows = [self.rows[k] for k in keys if k in self.rows]
        params = sorted({c for r in rows for c in r if c.startswith("param.")})
        metrics = sorted(
            {c for r in rows for c in r} - set(params) - {"seed", "head_hash", "passed"}
        )
        columns = ["seed", *params, "head_hash", "passed", *metrics]
        data = {c: [r.get(c, 0) for r in rows] for c in columns}
        for c in metrics:  # one type per column, whichever rows happened to hold it
            if any(isinstance(v, float) for v in data[c]):
                data[c] = [float(v) for v in data[c]]
        return pa.table(data)


def write_table(out: Path, table: pa.Table) -> Path:
    path = out / "table.parquet"
    pq.write_table(table, path)
    return path


def read_table(path: Path) -> pa.Table:
    return pq.read_table(path)
