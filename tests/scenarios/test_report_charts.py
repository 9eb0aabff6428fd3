"""The exposure chart stays readable (and drawable without scipy) at full scenario scale."""

from __future__ import annotations

from pathlib import Path

from scenarios.report import EXPOSURE_EDGES_DRAWN, chart_exposure, exposure_edges
from scenarios.result import ExposureEdge, ScenarioResult


def _edges(banks: int, borrowers: int) -> list[dict[str, object]]:
    return [
        {"from": f"bank-{b}", "to": f"merchant-{m}", "fen": 1_000 * (m + 1) + b}
        for b in range(banks) for m in range(borrowers)
    ]


def test_thousands_of_borrowers_fold_into_one_node_per_lender_keeping_every_fen() -> None:
    edges = _edges(banks=3, borrowers=1_000)
    drawn = exposure_edges([ExposureEdge.model_validate(e) for e in edges])
    assert len(drawn) == EXPOSURE_EDGES_DRAWN + 3
    assert sum(fen for _, _, fen in drawn) == sum(int(str(e["fen"])) for e in edges)
    largest = max(edges, key=lambda e: int(str(e["fen"])))
    assert (largest["from"], largest["to"], largest["fen"]) == drawn[0]
    folded = [target for _, target, _ in drawn[EXPOSURE_EDGES_DRAWN:]]
    assert [target.endswith(f"more (bank-{b})") for b, target in enumerate(folded)] == [True] * 3
    counts = [int(target[1:].split(" ")[0].replace(",", "")) for target in folded]
    assert sum(counts) == 3 * 1_000 - EXPOSURE_EDGES_DRAWN


def test_a_small_network_is_drawn_edge_for_edge() -> None:
    edges = _edges(banks=2, borrowers=5)
    assert sorted(exposure_edges([ExposureEdge.model_validate(e) for e in edges])) == sorted(
        (str(e["from"]), str(e["to"]), int(str(e["fen"]))) for e in edges
    )


def test_the_full_scale_exposure_chart_is_written(tmp_path: Path) -> None:
    metrics = ScenarioResult.model_validate(
        {"exposure": {"edges": _edges(banks=12, borrowers=2_500), "kinds": {}}}
    )
    path = tmp_path / "exposure.png"
    assert chart_exposure(metrics, path)
    assert path.read_bytes().startswith(b"\x89PNG")
