"""A sweep report never passes off the worst of a few runs as a 1-in-100 figure."""

from __future__ import annotations

from pathlib import Path

from scenarios.sweep.report import write_sweep_report


def rows(seeds: int) -> list[dict[str, object]]:
    return [{"seed": s, "head_hash": f"{s:064x}", "passed": 1, "claims.paid_fen": 1_000 * s,
             "claims.government_share": 0.5} for s in range(1, seeds + 1)]


def test_few_seeds_mark_the_tail_figures_as_the_worst_run_seen(tmp_path: Path) -> None:
    text = write_sweep_report(tmp_path, "x", rows(20), [], ["government_share"]).read_text()
    assert "Too few seeds for the tail figures" in text
    assert "20 runs per setting" in text
    assert "1 in 10 |" in text  # 20 runs support a 1-in-10 figure
    assert "1 in 100: worst of 20 runs †" in text


def test_enough_seeds_quote_the_tail_figures_plainly(tmp_path: Path) -> None:
    text = write_sweep_report(tmp_path, "x", rows(100), [], ["government_share"]).read_text()
    assert "Too few seeds" not in text
    assert "1 in 100 |" in text
    assert "†" not in text
