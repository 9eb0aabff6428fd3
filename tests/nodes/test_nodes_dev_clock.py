"""The dev clock from the side of whoever would misuse it: random sequences of moves (by
allowed and other roles, forward and not), wall-clock ticks and blocks, on a development
and on a production chain. Block times never run backwards and only a dev chain's named
role moves the clock; the offset survives a restart of the orderer's log (and of a real
``agriledger serve``: tests/api/test_dev_clock.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from contracts.exceptions import RegistrationError
from contracts.genesis import DevClockConfig, GenesisConfig, build_genesis
from ledger.timefmt import parse_time
from nodes.dev_clock import MAX_STEP_MS, UNITS_MS, format_duration, parse_duration
from nodes.exceptions import DevClockForbidden, NotADevChain
from nodes.local import LocalNetwork
from nodes.templates import build_network, small
from tests.nodes.nodes_kit import CONTRACTS, issues

ALLOWED = ("government", "admin")
OTHERS = [("government", "finance"), ("government", "central_bank"), ("bank", "admin"),
          ("cooperative", "farmer"), ("insurer", "admin")]

parts = st.lists(
    st.tuples(st.integers(0, 500), st.sampled_from(sorted(UNITS_MS))), min_size=1, max_size=4
)


@given(parts)
def test_a_duration_is_the_sum_of_its_parts_and_only_a_positive_one_is_accepted(
    pieces: list[tuple[int, str]],
) -> None:
    text = "".join(f"{n}{unit}" for n, unit in pieces)
    total = sum(n * UNITS_MS[unit] for n, unit in pieces)
    if total == 0 or total > MAX_STEP_MS:
        with pytest.raises(ValueError, match=r"must be positive|at most ten years"):
            parse_duration(text)
        return
    assert parse_duration(text) == total
    assert parse_duration(format_duration(total)) == total
    for bad in (f"-{text}", f"{text}-1s", f"{text} ", f"+{text}", text.replace("s", ".5s", 1)):
        if bad.strip() != text:
            with pytest.raises(ValueError, match="not a duration"):
                parse_duration(bad)


def test_more_than_ten_years_at_once_is_refused() -> None:
    assert parse_duration("3650d") == MAX_STEP_MS
    with pytest.raises(ValueError, match="at most ten years"):
        parse_duration("3651d")


def test_genesis_refuses_a_dev_clock_role_no_organisation_can_hold() -> None:
    spec = build_network(small(), seed=1, contracts=CONTRACTS, dev_clock=DevClockConfig())
    for roles, where in (({"government": ["oracle"]}, "dev_clock.roles.government: oracle"),
                         ({"planet": ["admin"]}, "dev_clock.roles.planet: unknown org type")):
        config = spec.config.model_copy(update={"dev_clock": DevClockConfig(roles=roles)})
        with pytest.raises(RegistrationError, match=where):
            build_genesis(GenesisConfig.model_validate(config.model_dump(mode="json")))


def test_a_production_genesis_is_written_without_the_dev_clock_key() -> None:
    production = build_network(small(), seed=1, contracts=CONTRACTS).config
    assert "dev_clock" not in production.model_dump(mode="json")
    dev = build_network(small(), seed=1, contracts=CONTRACTS, dev_clock=DevClockConfig()).config
    assert dev.model_dump(mode="json")["dev_clock"] == {"roles": {"government": ["admin"]}}
    assert build_genesis(dev)[0].hash != build_genesis(production)[0].hash


SPECS = {
    dev: build_network(
        small(), seed=3, contracts=CONTRACTS, dev_clock=DevClockConfig() if dev else None
    )
    for dev in (False, True)
}
"""Built once: generating a network's keys is most of the cost of one run."""


class Wall:
    """The injected wall clock (ms since genesis) that the machine moves."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


class DevClockMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.wall = Wall()
        self.offset = 0
        self.block_ms: list[int] = []
        self.nonce = 0

    @initialize(dev=st.booleans())
    def open(self, dev: bool) -> None:
        self.dev = dev
        self.spec = SPECS[dev]
        self.epoch = parse_time(self.spec.config.time)
        self.network = LocalNetwork(self.spec, self.wall, peers=["gov.peer"])

    @rule(by=st.integers(1, 30 * UNITS_MS["d"]))
    def advance_as_the_named_role(self, by: int) -> None:
        if not self.dev:
            with pytest.raises(NotADevChain):
                self.network.advance_clock(by, org_type=ALLOWED[0], role=ALLOWED[1])
            return
        reading = self.network.advance_clock(by, org_type=ALLOWED[0], role=ALLOWED[1])
        self.offset += by
        assert reading.offset_ms == self.offset
        assert parse_time(reading.now) >= self.epoch + dt.timedelta(
            milliseconds=self.wall.now + self.offset
        )

    @rule(by=st.integers(1, 30 * UNITS_MS["d"]), who=st.sampled_from(OTHERS))
    def advance_as_another_role(self, by: int, who: tuple[str, str]) -> None:
        expected = DevClockForbidden if self.dev else NotADevChain
        with pytest.raises(expected):
            self.network.advance_clock(by, org_type=who[0], role=who[1])

    @rule(by=st.integers(-UNITS_MS["d"], 0))
    def move_backwards_or_not_at_all(self, by: int) -> None:
        with pytest.raises((ValueError, NotADevChain)):
            self.network.advance_clock(by, org_type=ALLOWED[0], role=ALLOWED[1])

    @rule(ms=st.integers(0, 10_000))
    def wall_clock_ticks(self, ms: int) -> None:
        self.wall.now += ms

    @rule(count=st.integers(1, 3))
    def cut_a_block(self, count: int) -> None:
        peer = self.network.peers["gov.peer"]
        peer.submit([e.to_json() for e in issues(self.spec, count, start=self.nonce)])
        self.nonce += count
        self.network.flush()
        head = peer.head()
        assert head is not None
        ms = (parse_time(head.time) - self.epoch) // dt.timedelta(milliseconds=1)
        assert ms == max(self.block_ms[-1] if self.block_ms else 0, self.wall.now + self.offset)
        self.block_ms.append(ms)

    @invariant()
    def the_clock_reads_the_moves_that_were_allowed(self) -> None:
        if hasattr(self, "network"):
            assert self.network.clock_reading().offset_ms == self.offset
            assert self.network.clock_reading().dev_chain is self.dev

    @invariant()
    def block_times_never_run_backwards(self) -> None:
        assert self.block_ms == sorted(self.block_ms)

    def teardown(self) -> None:
        if hasattr(self, "network"):
            self.network.close()


# Each run opens a network (a genesis of some twenty certificates): a quarter of the
# profile's runs (quick: 10, ci: 50) cover this small state space.
DevClockMachine.TestCase.settings = settings(
    settings.default, max_examples=max(10, settings.default.max_examples // 4)
)


def test_dev_clock_machine(module_independent_draws: None) -> None:
    DevClockMachine.TestCase().runTest()


def test_the_offset_survives_a_restart_and_later_blocks_carry_it(tmp_path: Path) -> None:
    spec = SPECS[True]
    wall = Wall()
    first = LocalNetwork(spec, wall, peers=["gov.peer"], store_root=tmp_path / "peers",
                         orderer_dir=tmp_path / "orderer")
    first.advance_clock(3 * UNITS_MS["d"], org_type=ALLOWED[0], role=ALLOWED[1])
    first.close()
    wall.now = 1_000
    again = LocalNetwork(spec, wall, peers=["gov.peer"], store_root=tmp_path / "peers",
                         orderer_dir=tmp_path / "orderer")
    try:
        assert again.clock_reading().offset_ms == 3 * UNITS_MS["d"]
        peer = again.peers["gov.peer"]
        peer.submit([e.to_json() for e in issues(spec, 1, start=900)])
        again.flush()
        head = peer.head()
        assert head is not None
        assert parse_time(head.time) == parse_time(spec.config.time) + dt.timedelta(
            days=3, seconds=1
        )
    finally:
        again.close()
