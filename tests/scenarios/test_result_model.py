"""The typed run result: metrics.json loads back into it, and to_row names every number
as a ``metric`` expectation would (what a sweep collects into a table)."""

from __future__ import annotations

from scenarios.check import metric_known
from scenarios.result import ScenarioResult

DOCUMENT = {
    "chain": {"blocks": 3, "txs": 2, "committed": 1, "rejected": 1,
              "rejected_by_code": {"DUPLICATE_CLAIM": 1}, "heads_equal": True},
    "credit": {"by_bank": {"bank-a": {"issued": 2, "defaulted": 1}}, "defaulted": 1,
               "by_bank_product": [{"bank": "bank-a", "product": "credit loan", "issued": 2}],
               "outstanding_series": {"bank-a": [[0.0, 0], [1.5, 700]]}},
    "exposure": {"edges": [{"from": "bank-a", "to": "coop-a", "fen": 700}]},
    "clients": {"rejections": {"claims.report_loss:DUPLICATE_CLAIM": 1}},
    "run": {"scenario": "x", "seed": 1, "days": 2},
    "passed": True,
}


def test_a_metrics_document_round_trips_through_the_model() -> None:
    result = ScenarioResult.model_validate(DOCUMENT)
    assert result.credit.by_bank["bank-a"].defaulted == 1
    assert result.exposure.edges[0].lender == "bank-a"
    again = ScenarioResult.model_validate(result.to_json())
    assert again == result
    assert result.to_json()["exposure"]["edges"] == [
        {"from": "bank-a", "to": "coop-a", "fen": 700}
    ]
    assert result.to_json()["credit"]["outstanding_series"] == {"bank-a": [[0.0, 0], [1.5, 700]]}


def test_to_row_names_every_number_by_its_expectation_name() -> None:
    row = ScenarioResult.model_validate(DOCUMENT).to_row()
    assert row["credit.defaulted"] == 1
    assert row["credit.by_bank.bank-a.issued"] == 2
    assert row["chain.rejected_by_code.DUPLICATE_CLAIM"] == 1
    assert row["chain.heads_equal"] == 1
    assert row["passed"] == 1
    assert "claims.timeline" not in row  # lists stay out
    assert "exposure.edges" not in row
    assert all(isinstance(v, int | float) for v in row.values())
    assert [name for name in row if not metric_known(name)] == []
