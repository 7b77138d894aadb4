"""Equity penetration checked against answers worked out by hand, a cross-holding cycle included."""

from __future__ import annotations

import pytest

from riskgraph.analysis.ownership import Holding, controlled_by, holdings_of, integrated_shares, penetrate

# P1 holds 60 % of A and 30 % of T; A holds 50 % of T; P2 holds 40 % of A and 20 % of T.
CHAIN = [Holding("P1", "A", 0.6), Holding("P2", "A", 0.4), Holding("A", "T", 0.5), Holding("P1", "T", 0.3),
         Holding("P2", "T", 0.2)]


def test_shares_are_sums_over_paths_of_products() -> None:
    shares, converged = integrated_shares(CHAIN, "T")
    assert converged
    assert shares == pytest.approx({"A": 0.5, "P1": 0.3 + 0.6 * 0.5, "P2": 0.2 + 0.4 * 0.5})


def test_majority_control_and_beneficial_owners() -> None:
    found = penetrate(CHAIN, "T", persons={"P1", "P2"})
    assert found.ultimate == ["P1", "P2"]  # by share: P1 0.6, P2 0.4
    # P1 controls A (60 %); A (50 %) with P1's own 30 % holds 80 % of T: P1 controls T through A
    assert controlled_by(CHAIN, "P1") == {"A", "T"}
    assert found.controllers == ["P1"] and found.ultimate_controller == "P1"
    assert found.beneficial == ["P1", "P2"]  # 60 % and 40 %, both ≥ 25 %


def test_a_cross_holding_cycle_converges_to_the_geometric_sum() -> None:
    # X and Y hold 20 % of each other; P holds 80 % of X; X holds 50 % of T.
    cycle = [Holding("X", "Y", 0.2), Holding("Y", "X", 0.2), Holding("P", "X", 0.8), Holding("X", "T", 0.5),
             Holding("Q", "Y", 0.8)]
    shares, converged = integrated_shares(cycle, "T")
    assert converged
    # paths T←X (0.5), T←X←Y←X …: X's share is 0.5 / (1 − 0.04) counted from X's own loop
    x = 0.5 / (1 - 0.04)
    assert shares["X"] == pytest.approx(x)
    assert shares["Y"] == pytest.approx(0.2 * x)
    assert shares["P"] == pytest.approx(0.8 * x)
    assert shares["Q"] == pytest.approx(0.8 * 0.2 * x)
    found = penetrate(cycle, "T", persons={"P", "Q"})
    assert found.ultimate == ["P", "Q"] and found.beneficial == ["P"]  # Q: 8.3 %, below 25 %
    assert found.ultimate_controller is None  # X holds only 50 % of T: not more than half


def test_the_reverse_says_what_an_owner_ultimately_holds() -> None:
    held, converged = holdings_of(CHAIN, "P1")
    assert converged and held == pytest.approx({"A": 0.6, "T": 0.6})


def test_a_register_whose_cycle_owns_all_of_itself_is_cut_and_said_so() -> None:
    found = penetrate([Holding("X", "Y", 1.0), Holding("Y", "X", 1.0), Holding("X", "T", 0.5)], "T", persons=set())
    assert not found.converged and found.notes
