"""Who holds each fund's quantified shares after reassignments and leavings (the fund trace)."""

from __future__ import annotations

from coopledger.domain.shares import ShareMove, fund_holdings

FISCAL = "fiscal_share"


def test_a_whole_share_handed_over_moves_each_funds_part_whole() -> None:
    holders, changes = fund_holdings(
        [
            ShareMove(1, "quantify_fiscal", "a", (("1", FISCAL, 600), ("2", FISCAL, 600))),
            ShareMove(2, "quantify_fiscal", "b", (("1", FISCAL, 300),)),
            ShareMove(3, "reassign", None, (("1", FISCAL, -900), ("3", FISCAL, 900))),
        ]
    )
    assert holders == {"a": {"2": 600, "3": 600}, "b": {"3": 300}}
    assert changes["a"][-1] == (3, (("1", -600), ("3", 600)))
    assert changes["b"][-1] == (3, (("1", -300), ("3", 300)))


def test_part_of_a_share_is_taken_from_the_funds_in_proportion_to_the_fen() -> None:
    holders, _changes = fund_holdings(
        [
            ShareMove(1, "quantify_fiscal", "a", (("1", FISCAL, 200),)),
            ShareMove(2, "quantify_fiscal", "b", (("1", FISCAL, 101),)),
            ShareMove(3, "reassign", None, (("1", FISCAL, -100), ("2", FISCAL, 100))),
        ]
    )
    assert holders["a"] == {"1": 134, "2": 66}  # 100 × 200/301 = 66.4…
    assert holders["b"] == {"1": 67, "2": 34}  # 100 × 101/301 = 33.5…, the larger remainder
    assert sum(holders["a"].values()) + sum(holders["b"].values()) == 301


def test_a_member_who_leaves_gives_its_parts_back_to_no_one() -> None:
    holders, changes = fund_holdings(
        [
            ShareMove(1, "quantify_fiscal", "a", (("1", FISCAL, 500), ("2", FISCAL, 500))),
            ShareMove(2, "forfeit", None, (("2", FISCAL, -500), ("2", "capital", -100))),
        ]
    )
    assert holders == {"a": {"1": 500}}
    assert changes["a"][-1] == (2, (("2", -500),))
