"""Writing a scenario's report: metrics.json (every figure), report.md (tables) and PNG charts.

The report is built only from the run's typed result (``scenarios.result``), read by
attribute; metrics.json is that result dumped, so a report can be re-rendered from an
old metrics.json (``ScenarioResult.model_validate``), and every number in report.md is
also in metrics.json.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.patches import Rectangle

from scenarios.result import (
    Breach,
    ExposureEdge,
    OrderFigures,
    PremiumFigures,
    ProposalLine,
    RefusedTx,
    ScenarioResult,
    SeasonFigures,
)


def yuan(fen: int) -> str:
    """Format fen as CNY with thousands separators (display only; money stays integer)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def cell(value: Any) -> str:
    """One Markdown table cell: a ``|`` or a line break inside a value would end the cell."""
    text = "" if value is None else str(value)
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").splitlines())


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


NOTHING_OUTSTANDING = (
    "Nothing is outstanding at the end: every loan is repaid or written off and every order "
    "settled or cancelled, so there is no exposure graph."
)

PREMIUM_PAYERS = {
    "central": "central government (subsidy)",
    "province": "provincial government (subsidy)",
    "county": "county government (subsidy)",
    "farmer": "farmers' own share (paid via the cooperative)",
}


def chart_outstanding(result: ScenarioResult, path: Path) -> bool:
    series = result.credit.outstanding_series
    if not series:
        return False
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    for bank, points in sorted(series.items()):
        days = [p[0] for p in points]
        values = [p[1] / 100 / 10_000 for p in points]  # fen -> 10k CNY
        ax.step(days, values, where="post", label=bank, linewidth=1.8)
    ax.set_xlabel("simulated day")
    ax.set_ylabel("outstanding credit (10,000 CNY)")
    ax.set_title("Outstanding credit by bank")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def chart_claims(result: ScenarioResult, path: Path) -> bool:
    claims = [c for c in result.claims.timeline if c.reported_day is not None]
    if not claims:
        return False
    claims = sorted(claims, key=lambda c: (c.reported_day or 0.0, c.claim_id))[:40]
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.28 * len(claims) + 1)), dpi=110)
    for row, claim in enumerate(claims):
        start = claim.reported_day or 0.0
        stages = [
            ("surveyed_day", "#f4a261"),
            ("agreed_day", "#2a9d8f"),
            ("paid_day", "#264653"),
        ]
        previous = start
        for key, colour in stages:
            day = getattr(claim, key)
            if day is None:
                continue
            ax.barh(row, day - previous, left=previous, color=colour, height=0.6)
            previous = day
    labels = [c.claim_id.removeprefix("claim-")[:28] for c in claims]
    ax.set_yticks(range(len(claims)), labels, fontsize=7)
    ax.set_xlabel("simulated day")
    ax.set_title("Claims: report → survey → agreement → payout")
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in ("#f4a261", "#2a9d8f", "#264653")]
    ax.legend(handles, ["to survey", "to agreement", "to payout"], fontsize=8, loc="lower right")
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


EXPOSURE_EDGES_DRAWN = 40
"""Above this many edges the chart keeps the largest and folds the rest per lender
into one "+N more" node: thousands of borrowers are unreadable as a drawing (and
networkx's layout of a graph over 500 nodes needs scipy)."""


def exposure_edges(edges: Sequence[ExposureEdge]) -> list[tuple[str, str, int]]:
    """(from, to, fen) to draw: the largest edges, the others summed per source."""
    ordered = sorted(edges, key=lambda e: (-e.fen, e.lender, e.borrower))
    drawn = [(e.lender, e.borrower, e.fen) for e in ordered[:EXPOSURE_EDGES_DRAWN]]
    folded: dict[str, list[int]] = {}
    for edge in ordered[EXPOSURE_EDGES_DRAWN:]:
        count_and_sum = folded.setdefault(edge.lender, [0, 0])
        count_and_sum[0] += 1
        count_and_sum[1] += edge.fen
    for source, (count, fen) in sorted(folded.items()):
        drawn.append((source, f"+{count:,} more ({source})", fen))
    return drawn


EXPOSURE_LABELLED_EDGES = 12
"""Up to this many edges carry their amount as a label; beyond it labels overlap."""

_KIND_COLOURS = {
    "bank": "#e76f51",
    "cooperative": "#2a9d8f",
    "buyer": "#264653",
    "insurer": "#e9c46a",
}


def columns_layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Lenders and buyers (only outgoing edges) on the left, those they are exposed to on
    the right, anyone both in the middle; each column sorted by name, evenly spaced.
    A spring layout put unrelated nodes on top of each other."""
    columns: dict[float, list[str]] = {0.0: [], 0.5: [], 1.0: []}
    for node in sorted(graph.nodes):
        lends, owes = graph.out_degree(node) > 0, graph.in_degree(node) > 0
        columns[0.5 if lends and owes else 0.0 if lends else 1.0].append(node)
    layout: dict[str, tuple[float, float]] = {}
    for x, nodes in columns.items():
        for index, node in enumerate(nodes):
            layout[node] = (x, 1.0 - (index + 1) / (len(nodes) + 1))
    return layout


def chart_exposure(result: ScenarioResult, path: Path) -> bool:
    edges = result.exposure.edges
    if not edges:
        return False
    graph = nx.DiGraph()
    kinds = result.exposure.kinds
    for source, target, fen in exposure_edges(edges):
        graph.add_edge(source, target, weight=fen)
    node_colours = [_KIND_COLOURS.get(kinds.get(n, ""), "#8d99ae") for n in graph.nodes]
    top = max(graph.edges[e]["weight"] for e in graph.edges) or 1
    widths = [0.8 + 5 * graph.edges[e]["weight"] / top for e in graph.edges]
    rows = max(len(graph.nodes) // 3, 4)
    fig, ax = plt.subplots(figsize=(10, min(3 + 0.35 * rows, 30)), dpi=110)
    layout = columns_layout(graph)
    nx.draw_networkx_edges(
        graph, layout, ax=ax, width=widths, edge_color="#6c757d", arrows=True,
        arrowsize=14, node_size=700, connectionstyle="arc3,rad=0.05",
    )
    nx.draw_networkx_nodes(graph, layout, ax=ax, node_color=node_colours, node_size=700)
    for node, (x, y) in layout.items():  # names beside their column, outside the arrows
        side = {0.0: ("right", -0.035, 0.0), 1.0: ("left", 0.035, 0.0)}
        align, dx, dy = side.get(x, ("center", 0.0, -0.06))
        ax.text(x + dx, y + dy, node, ha=align, va="center", fontsize=8, color="#212529")
    if graph.number_of_edges() <= EXPOSURE_LABELLED_EDGES:
        labels = {e: f"{graph.edges[e]['weight'] / 100:,.0f} CNY" for e in graph.edges}
        nx.draw_networkx_edge_labels(
            graph, layout, edge_labels=labels, ax=ax, font_size=7, label_pos=0.35,
            connectionstyle="arc3,rad=0.05",
        )
    handles = [
        Rectangle((0, 0), 1, 1, color=colour, label=kind)
        for kind, colour in _KIND_COLOURS.items()
        if kind in {kinds.get(node) for node in graph.nodes}
    ]
    if handles:
        ax.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False,
                  bbox_to_anchor=(0.5, -0.05), fontsize=8)
    ax.set_title("Exposure now: outstanding principal of live loans, value of live orders")
    ax.set_xlim(-0.35, 1.35)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def render_markdown(result: ScenarioResult, charts: Sequence[str]) -> str:
    out: list[str] = []
    run = result.run
    out.append(f"# Scenario report: {run.scenario}")
    out.append("")
    verdict = "PASSED" if result.passed else "FAILED"
    out.append(
        f"**{verdict}** · seed {run.seed} · {run.days} simulated days · "
        f"wall time {run.wall_seconds:.1f} s · "
        f"peak memory {run.peak_memory_mb:.0f} MiB"
    )
    out.append("")
    viewer = run.view
    out.append(
        f"Written from the view of {viewer}, the government regulator (a supervisor named "
        "in genesis, who may read every record, tx and event)."
        if viewer else
        "Written from a peer's full chain: the network names no supervisor, so no member "
        "may read all of it."
    )
    out.append("")
    chain = result.chain
    out.append("## Chain")
    out.append(
        _table(
            ["blocks", "txs", "committed", "rejected", "head hash", "all honest heads equal"],
            [
                [
                    chain.blocks,
                    chain.txs,
                    chain.committed,
                    chain.rejected,
                    f"`{chain.head_hash[:16]}…`",
                    chain.heads_equal,
                ]
            ],
        )
    )
    if chain.rejected_by_code:
        out.append("")
        out.append(_table(["rejection code", "count"], sorted(chain.rejected_by_code.items())))
    credit = result.credit
    loans = credit.by_bank_product
    if loans:
        out += ["", "## Loans by bank and product"]
        out.append(
            _table(
                [
                    "bank",
                    "product",
                    "loans issued",
                    "issued (CNY)",
                    "outstanding (CNY)",
                    "repaid",
                    "defaulted",
                    "written off (CNY)",
                ],
                [
                    [
                        v.bank,
                        v.product,
                        v.issued,
                        yuan(v.issued_fen),
                        yuan(v.outstanding_fen),
                        v.repaid,
                        v.defaulted,
                        yuan(v.written_off_fen),
                    ]
                    for v in loans
                ],
            )
        )
    if credit.enforced:
        out += [
            "",
            f"Defaulted pledges enforced: {credit.auctioned} sold at auction to a "
            f"third-party buyer, {credit.taken_by_lender} taken by the lender at a "
            "price agreed with the pledgor (never below the attested market value less the "
            "haircut); the pledgor received any surplus.",
        ]
    out += _orders_section(result.orders)
    if (loans or result.orders.created) and not result.exposure.edges:
        out += ["", NOTHING_OUTSTANDING]
    claims = result.claims
    if claims.timeline:
        out += ["", "## Claims"]
        out.append(
            _table(
                [
                    "claims",
                    "paid",
                    "days notice→payout (mean)",
                    "max",
                    "paid (CNY)",
                    "deadline breaches",
                    "duplicates refused",
                    "policies expired / closed",
                ],
                [
                    [
                        claims.count,
                        claims.paid,
                        f"{claims.days_to_payout_mean:.1f}",
                        f"{claims.days_to_payout_max:.1f}",
                        yuan(claims.paid_fen),
                        claims.deadline_breaches,
                        claims.duplicates_refused,
                        f"{claims.policies_expired} / {claims.policies_closed}",
                    ]
                ],
            )
        )
    out += _breaches_section(claims.breaches)
    out += _premium_section(result.premium)
    subsidy = result.subsidy
    if subsidy.any:
        out += ["", "## Interest subsidy budget"]
        out.append(
            _table(
                ["budget (CNY)", "used (CNY)", "payments"],
                [[yuan(subsidy.budget_fen), yuan(subsidy.used_fen), subsidy.payments]],
            )
        )
    out += _seasons_section(result.seasons)
    out += _governance_section(result.proposals)
    out += _refusals_section(result.clients.scripted_refusals)
    if result.faults:
        out += ["", "## Faults and recovery"]
        out.append(
            _table(
                ["day", "fault", "target", "recovery"],
                [[f.day, f.kind, f.target, f.recovery] for f in result.faults],
            )
        )
    if result.flagged:
        out += ["", "## Divergent peers flagged"]
        out.append(
            _table(
                ["peer", "flagged by", "first height"],
                [[p, ", ".join(v.by), v.height] for p, v in sorted(result.flagged.items())],
            )
        )
    if result.expectations:
        out += ["", "## Expectations"]
        out.append(
            _table(
                ["", "expectation", "expected", "actual"],
                [
                    ["✅" if e.ok else "❌", e.description, e.expected, e.actual]
                    for e in result.expectations
                ],
            )
        )
    if charts:
        out += ["", "## Charts", ""]
        out += [f"![{name}]({name})" for name in charts]
    out.append("")
    return "\n".join(out)


def percent(bp: int) -> str:
    return f"{bp / 100:.2f} %"


def _seasons_section(seasons: dict[str, SeasonFigures]) -> list[str]:
    if not seasons:
        return []
    ordered = sorted(seasons.items(), key=lambda item: int(item[0]))
    rows = [
        [
            number, f"{s.from_day:g}-{s.to_day:g}", s.loans, yuan(s.issued_fen),
            yuan(s.interest_fen), yuan(s.subsidy_fen), s.subsidy_payments,
            percent(s.subsidy_share_bp), yuan(s.borrowers_interest_fen),
        ]
        for number, s in ordered
    ]
    banks = sorted({bank for _, s in ordered for bank in s.by_bank})
    by_bank = [
        [bank, *(
            f"{s.by_bank[bank].issued} / {yuan(s.by_bank[bank].issued_fen)}"
            if bank in s.by_bank else "0 / 0.00"
            for _, s in ordered
        )]
        for bank in banks
    ]
    return [
        "",
        "## Seasons",
        "",
        "Loans by the day they were disbursed; interest and subsidies by the day they were "
        "paid, under the rules in force then.",
        "",
        _table(
            ["season", "days", "loans", "issued (CNY)", "interest (CNY)", "subsidy (CNY)",
             "subsidy payments", "share subsidised", "borrowers' interest (CNY)"],
            rows,
        ),
        "",
        _table(["bank", *(f"season {n}: loans / issued (CNY)" for n, _ in ordered)], by_bank),
    ]


def _governance_section(proposals: Sequence[ProposalLine]) -> list[str]:
    if not proposals:
        return []

    def day(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    return [
        "",
        "## Governance proposals",
        _table(
            ["proposal", "change", "proposer", "proposed (day)", "effective at", "approved by",
             "rejected by", "decided (day)", "status at the end"],
            [
                [p.id, p.kind, p.proposer, day(p.proposed_day), p.effective,
                 ", ".join(p.approvals) or "-", ", ".join(p.rejections) or "-",
                 day(p.decided_day), p.status]
                for p in proposals
            ],
        ),
    ]


def _refusals_section(refused: Sequence[RefusedTx]) -> list[str]:
    if not refused:
        return []
    return [
        "",
        "## Scripted steps refused",
        _table(
            ["day", "signer", "action", "code", "message"],
            [[f"{r.day:.2f}", r.actor, r.action, r.code, r.message] for r in refused],
        ),
    ]


def _orders_section(orders: OrderFigures) -> list[str]:
    if not orders.created:
        return []
    keys = ("created", "confirmed", "financed", "cancelled", "short_delivered",
            "late_deliveries", "buyer_defaults", "shortfall_to_direct_debt", "settled")
    return [
        "",
        "## Order financing",
        _table(
            [*(k.replace("_", " ") for k in keys), "financed (CNY)"],
            [[*(getattr(orders, k) for k in keys), yuan(orders.financed_fen)]],
        ),
    ]


def _breaches_section(breaches: Sequence[Breach]) -> list[str]:
    if not breaches:
        return []
    return [
        "",
        "### Deadline breaches",
        _table(
            ["claim", "deadline", "household", "due", "days late"],
            [
                [b.claim_id, b.kind, b.insured or "(whole claim)", b.due, f"{b.days_late:.1f}"]
                for b in breaches
            ],
        ),
    ]


def _premium_section(premium: PremiumFigures) -> list[str]:
    by_level = premium.by_level
    if not by_level:
        return []
    order = list(PREMIUM_PAYERS)  # central, province, county, then the farmers' own share
    levels = sorted(by_level, key=lambda lvl: (order.index(lvl) if lvl in order else len(order)))
    rows = [[PREMIUM_PAYERS.get(level, level), level, yuan(by_level[level])] for level in levels]
    subsidy = sum(fen for level, fen in by_level.items() if level != "farmer")
    return [
        "",
        "## Premium shares by payer",
        _table(["payer", "share", "paid (CNY)"], rows),
        "",
        f"Government subsidies: {yuan(subsidy)} CNY; farmers' own share: "
        f"{yuan(by_level.get('farmer', 0))} CNY.",
    ]


def write_report(report_dir: Path, result: ScenarioResult) -> Path:
    """Write metrics.json, the charts and report.md; return the path of report.md."""
    report_dir.mkdir(parents=True, exist_ok=True)
    metrics = json.dumps(result.to_json(), indent=2, sort_keys=True)
    (report_dir / "metrics.json").write_text(metrics + "\n")
    charts = []
    for name, draw in (
        ("outstanding_credit.png", chart_outstanding),
        ("claims_timeline.png", chart_claims),
        ("exposure_graph.png", chart_exposure),
    ):
        if draw(result, report_dir / name):
            charts.append(name)
    report = report_dir / "report.md"
    report.write_text(render_markdown(result, charts))
    return report
