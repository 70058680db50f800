"""Posting recipes without a database: each event debits and credits the accounts it should, to
the fen, and every draft a recipe returns is a voucher the chart accepts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coopledger.domain import postings
from coopledger.domain.accounts import Chart, load_chart
from coopledger.domain.assets import AssetClass, AssetUse, FixedAsset
from coopledger.domain.distribution import Appropriation, Inputs, MemberBasis, Plan, compute
from coopledger.domain.errors import ValidationFailed
from coopledger.domain.ledger import Dr, Line, VoucherDraft, totals, validate_draft
from coopledger.domain.periods import Period
from coopledger.domain.shares import EventKind

COOP = load_chart("cooperative-2021")
VILLAGE = load_chart("village-2023")
ON = date(2025, 3, 31)


def asset(**kw: object) -> FixedAsset:
    base: dict[str, object] = {
        "asset_no": "A1",
        "name": "冷库",
        "asset_class": AssetClass.OPERATING,
        "use": AssetUse.PRODUCTION,
        "acquired_on": date(2025, 3, 2),
        "cost_fen": 1_000_000,
        "salvage_fen": 0,
        "useful_life_months": 120,
    }
    base.update(kw)
    return FixedAsset(**base)  # type: ignore[arg-type]


def entries(draft: VoucherDraft) -> list[tuple[str, str, int, str | None]]:
    """(account, D/C, fen, member or fund) of each line, in order."""
    return [(ln.account, ln.side.value, ln.amount_fen, ln.member or ln.fund) for ln in draft.lines]


def net(drafts: Iterable[VoucherDraft]) -> dict[str, int]:
    """Debit-minus-credit per account over the drafts."""
    out: dict[str, int] = defaultdict(int)
    for draft in drafts:
        for ln in draft.lines:
            out[ln.account] += ln.signed_fen
    return dict(out)


def accepted(chart: Chart, draft: VoucherDraft, members: Iterable[str] = ()) -> None:
    """The chart takes the draft as it stands: postable accounts, members and funds where the
    accounts keep them, Σ debit = Σ credit."""
    validate_draft(
        draft,
        {a.code: a for a in chart.accounts},
        {m: m for m in members},
        {"F1": "F1", "F2": "F2"},
    )


# -- fixed assets ----------------------------------------------------------------------------------


def test_an_acquisition_pays_the_cost_and_moves_each_funds_part_into_the_special_fund() -> None:
    card = asset(funding={"F2": 300_000, "F1": 200_000})
    funds = {
        "F1": postings.FundPart("衔接资金", "235"),
        "F2": postings.FundPart("一事一议", "231"),
    }
    draft = postings.acquisition(VILLAGE, card, "102", funds)
    assert entries(draft) == [
        ("151", "D", 1_000_000, None),
        ("102", "C", 1_000_000, None),
        ("235", "D", 200_000, "F1"),
        ("311", "C", 200_000, None),
        ("231", "D", 300_000, "F2"),
        ("311", "C", 300_000, None),
    ]
    assert (draft.booked_on, draft.memo, draft.attachments) == (
        date(2025, 3, 2),
        "购入固定资产 A1 冷库",
        1,
    )
    # village books have 公积公益金 where a cooperative's have 专项基金: the memo names the account
    assert [ln.memo for ln in draft.lines[2:]] == [
        "衔接资金转公积公益金",
        "衔接资金形成资产",
        "一事一议转公积公益金",
        "一事一议形成资产",
    ]


@pytest.mark.parametrize(
    ("chart_id", "name"),
    [
        ("village-2004", "公积公益金"),
        ("village-2023", "公积公益金"),
        ("cooperative-2021", "专项基金"),
        ("cooperative-2007", "专项基金"),
    ],
)
def test_a_grants_part_of_an_asset_names_the_charts_own_fund_account(
    chart_id: str, name: str
) -> None:
    chart = load_chart(chart_id)
    card = asset(funding={"F1": 200_000})
    draft = postings.acquisition(chart, card, "102", {"F1": postings.FundPart("衔接资金", "235")})
    assert draft.lines[2].memo == f"衔接资金转{name}"
    if chart.kind == "village_collective":
        assert not any("专项基金" in (ln.memo or "") for ln in draft.lines)


def test_a_nominal_asset_goes_straight_to_the_special_fund_at_one_yuan() -> None:
    draft = postings.acquisition(
        COOP, asset(cost_fen=100, nominal=True, funding={"F1": 100}), "102", {}
    )
    assert entries(draft) == [("151", "D", 100, None), ("311", "C", 100, None)]
    assert draft.lines[1].memo == "名义金额入账"


def test_one_matter_money_waits_in_its_own_account_where_the_chart_keeps_one() -> None:
    village = {a.code: a for a in VILLAGE.accounts}
    coop = {a.code: a for a in COOP.accounts}
    assert postings.fund_payable_account(VILLAGE, village, "one_matter_one_discussion") == "231"
    assert postings.fund_payable_account(VILLAGE, village, "fiscal") == "241"
    # 231 is 长期借款 in the cooperative chart: no fund subledger, so 专项应付款
    assert postings.fund_payable_account(COOP, coop, "one_matter_one_discussion") == "235"


def test_a_months_depreciation_charges_each_use_to_its_account() -> None:
    charges = [
        (AssetUse.MANAGEMENT, 1_250),
        (AssetUse.PRODUCTION, 8_333),
        (AssetUse.PUBLIC_WELFARE, 400),
        (AssetUse.PRODUCTION, 1),
    ]
    draft = postings.depreciation(COOP, Period(2025, 2), charges)
    assert entries(draft) == [
        ("401", "D", 8_334, None),
        ("523", "D", 1_250, None),
        ("529", "D", 400, None),
        ("152", "C", 9_984, None),
    ]
    assert draft.booked_on == date(2025, 2, 28)
    assert draft.memo == "计提2025年2月固定资产折旧"
    assert draft.lines[0].memo == "计提2025年2月固定资产折旧（4项资产）"
    assert draft.lines[-1].memo == draft.memo


@pytest.mark.parametrize(
    ("proceeds", "result"),
    [(700_000, ("502", "C", 100_000)), (500_000, ("529", "D", 100_000)), (600_000, None)],
)
def test_a_disposal_clears_through_disposal_account_to_a_gain_or_a_loss(
    proceeds: int, result: tuple[str, str, int] | None
) -> None:
    draft = postings.disposal(COOP, asset(), ON, 400_000, proceeds, "101")
    accepted(COOP, draft)
    moved = net([draft])
    assert moved.get("154", 0) == 0  # 固定资产清理 nets to zero
    assert (moved["151"], moved["152"], moved["101"]) == (-1_000_000, 400_000, proceeds)
    assert (result is None) == ("502" not in moved and "529" not in moved)
    if result is not None:
        assert result in [(a, s, f) for a, s, f, _ in entries(draft)]
    assert draft.memo == "处置固定资产 A1 冷库"
    assert draft.booked_on == ON


def test_a_disposal_refuses_negative_proceeds() -> None:
    with pytest.raises(ValidationFailed):
        postings.disposal(COOP, asset(), ON, 0, -1, "102")


# -- capital ---------------------------------------------------------------------------------------


def test_capital_events_move_capital_by_member() -> None:
    def made(kind: EventKind, **kw: str) -> list[tuple[str, str, int, str | None]]:
        return entries(postings.capital_event(COOP, kind, ON, " 入股 ", 50_000, "7", **kw))

    assert made(EventKind.CONTRIBUTE) == [("102", "D", 50_000, None), ("301", "C", 50_000, "7")]
    assert made(EventKind.CONTRIBUTE, pay_account="101")[0] == ("101", "D", 50_000, None)
    assert made(EventKind.REDEEM) == [("301", "D", 50_000, "7"), ("102", "C", 50_000, None)]
    assert made(EventKind.TRANSFER, to_member="12") == [
        ("301", "D", 50_000, "7"),
        ("301", "C", 50_000, "12"),
    ]
    draft = postings.capital_event(COOP, EventKind.REDEEM, ON, " 退股 ", 1, "7")
    assert (draft.memo, draft.lines[0].memo, draft.attachments) == ("退股", " 退股 ", 1)


@pytest.mark.parametrize("kind", [EventKind.QUANTIFY_FISCAL, EventKind.REASSIGN])
def test_quantifying_or_reassigning_a_share_prepares_no_voucher(kind: EventKind) -> None:
    with pytest.raises(ValueError, match="no voucher"):
        postings.capital_event(COOP, kind, ON, "量化", 1, "7")


def test_a_member_who_leaves_is_paid_back_its_capital_and_reserve_share() -> None:
    draft = postings.withdrawal(COOP, ON, "7", "王五", 30_000, 1_234)
    assert draft is not None
    assert entries(draft) == [
        ("301", "D", 30_000, "7"),
        ("322", "D", 1_234, None),
        ("102", "C", 31_234, None),
    ]
    assert draft.memo == "成员7王五退社，退还出资及公积金份额"
    only_reserve = postings.withdrawal(COOP, ON, "7", "王五", 0, 500, "101")
    assert only_reserve is not None
    assert entries(only_reserve) == [("322", "D", 500, None), ("101", "C", 500, None)]
    assert postings.withdrawal(COOP, ON, "7", "王五", 0, 0) is None


# -- distribution ----------------------------------------------------------------------------------


def to_post(plan: Plan, resolution: str = "2025-1") -> postings.PlanToPost:
    return postings.PlanToPost(
        year=plan.inputs.year,
        approved_on=date(plan.inputs.year + 1, 3, 15),
        resolution=resolution,
        surplus_fen=plan.S,
        reserve_fen=plan.R,
        others=tuple((o.name, o.account, fen) for o, fen in plan.others if fen),
        distributable_fen=plan.D,
        members=tuple(
            postings.MemberPart(ln.member_no, ln.patronage_fen, ln.residual_fen)
            for ln in plan.lines
        ),
    )


def test_a_cooperatives_plan_posts_its_statutory_vouchers() -> None:
    """The year-end close carried 本年盈余 into 未分配盈余; the plan appropriates and clears 各项分配.
    Books closed before the close carried it get the carry as the plan's first voucher."""
    plan = postings.PlanToPost(
        year=2024,
        approved_on=date(2025, 3, 15),
        resolution="成员大会2025-1",
        surplus_fen=100_000,
        reserve_fen=10_000,
        others=(("公益金", "32203", 5_000),),
        distributable_fen=90_000,  # D = S − R; the 公益金 and the members' parts come out of it
        members=(postings.MemberPart("1", 51_000, 20_000), postings.MemberPart("2", 0, 14_000)),
    )
    second, third = postings.distribution(COOP, plan, cooperative=True)
    first, *rest = postings.distribution(
        COOP, replace(plan, surplus_carried=False), cooperative=True
    )
    assert rest == [second, third]
    assert entries(first) == [("331", "D", 100_000, None), ("33202", "C", 100_000, None)]
    assert first.memo == "结转2024年度本年盈余"
    assert entries(second) == [
        ("33201", "D", 100_000, None),
        ("322", "C", 10_000, None),
        ("32203", "C", 5_000, None),
        ("221", "C", 51_000, "1"),
        ("222", "C", 20_000, "1"),
        ("222", "C", 14_000, "2"),
    ]
    assert second.memo == "2024年度盈余分配（决议成员大会2025-1）"
    assert [ln.memo for ln in second.lines[:3]] == ["盈余分配", "提取盈余公积", "公益金"]
    assert entries(third) == [("33202", "D", 100_000, None), ("33201", "C", 100_000, None)]
    assert third.memo == "结转2024年度各项分配"
    assert {d.booked_on for d in (first, second, third)} == {date(2025, 3, 15)}


def test_a_village_credits_each_household_its_whole_part_on_internal_current() -> None:
    plan = postings.PlanToPost(
        year=2024,
        approved_on=date(2025, 3, 15),
        resolution=None,
        surplus_fen=10_000,
        reserve_fen=1_000,
        others=(),
        distributable_fen=9_000,
        members=(postings.MemberPart("1", 0, 9_000),),
    )
    second, _third = postings.distribution(VILLAGE, plan, cooperative=False)
    assert entries(second) == [
        ("32201", "D", 10_000, None),
        ("311", "C", 1_000, None),
        ("113", "C", 9_000, "1"),
    ]
    assert second.memo == "2024年度收益分配（决议None）"
    assert second.lines[1].memo == "提取公积公益金"


def test_a_large_plan_is_split_into_numbered_vouchers_of_at_most_2000_members() -> None:
    members = tuple(postings.MemberPart(str(n), 1, 1) for n in range(1, 4_002))
    plan = postings.PlanToPost(2024, ON, "r", 9_002, 1_000, (), 8_002, members)
    drafts = postings.distribution(COOP, plan, cooperative=True)
    middle = drafts[:-1]
    assert [d.memo[-5:] for d in middle] == ["（1/3）", "（2/3）", "（3/3）"]
    assert [len(d.lines) - 1 for d in middle] == [4_001, 4_000, 2]  # the head rides in the first
    assert sum(d.lines[0].amount_fen for d in middle) == 9_002


plans = st.builds(
    lambda surplus, reserve, ratio, members, cooperative, welfare: (
        Inputs(
            year=2024,
            surplus_fen=surplus,
            accumulated_loss_fen=0,
            prior_undistributed_fen=0,
            reserve_rate=Decimal(reserve) / 100,
            patronage_ratio=Decimal(ratio) / 100 if cooperative else Decimal(0),
            cooperative=cooperative,
            others=(Appropriation("应付福利费", "211", rate=Decimal(welfare) / 100),),
        ),
        [MemberBasis(str(i + 1), t, s, 0, "none") for i, (t, s) in enumerate(members)],
    ),
    st.integers(100, 10**11),
    st.integers(0, 50),
    st.integers(60, 100),
    st.lists(st.tuples(st.integers(1, 10**9), st.integers(1, 10**9)), min_size=1, max_size=30),
    st.booleans(),
    st.integers(0, 10),  # an other appropriation of up to 10 % of the surplus
)


@settings(max_examples=150, deadline=None)
@given(plans)
def test_a_plans_vouchers_balance_and_pay_out_the_plan_to_the_fen(
    case: tuple[Inputs, list[MemberBasis]],
) -> None:
    inputs, members = case
    try:
        plan = compute(inputs, members)
    except ValidationFailed as exc:  # the appropriation is more than remains after the return
        assume(exc.code != "appropriations_exceed_remainder")
        raise
    chart = COOP if inputs.cooperative else VILLAGE
    drafts = postings.distribution(chart, to_post(plan), cooperative=inputs.cooperative)
    for draft in drafts:
        accepted(chart, draft, [m.member_no for m in members])
    carry = postings.carry_surplus(chart, 2024, plan.S, cooperative=inputs.cooperative)
    assert carry is not None
    moved = net([carry, *drafts])  # the year-end carry, then the plan
    assert moved[chart.surplus_account] == plan.S  # 本年盈余 emptied
    assert moved.get(chart.appropriation_account, 0) == 0  # 各项分配 cleared
    assert moved[chart.undistributed_account] == plan.R + plan.D - plan.S
    reserve = chart.role("surplus_reserve")
    assert -moved.get(reserve, 0) == plan.R
    paid: dict[str, int] = defaultdict(int)
    for draft in drafts:
        for ln in draft.lines:
            if ln.member is not None:
                assert ln.side is Dr.CREDIT
                paid[ln.member] += ln.amount_fen
    others = sum(fen for _o, fen in plan.others)
    assert -moved.get("211", 0) == others  # the appropriation credited where the plan names
    assert sum(paid.values()) == plan.P + plan.Q == plan.D - others
    assert dict(paid) == {ln.member_no: ln.total_fen for ln in plan.lines if ln.total_fen}


def test_a_payment_settles_the_refund_first_and_offsets_debts_before_paying_cash() -> None:
    assert postings.split_payment(300, 500, True) == (300, 200)
    assert postings.split_payment(900, 500, True) == (500, 0)
    assert postings.split_payment(300, 500, False) == (0, 500)
    draft = postings.payment(
        COOP,
        cooperative=True,
        year=2024,
        paid_on=ON,
        cash_account="102",
        payments=[
            postings.Payment(postings.MemberPart("1", 300, 200), offset_fen=150),
            postings.Payment(postings.MemberPart("2", 0, 700)),
        ],
    )
    assert entries(draft) == [
        ("221", "D", 300, "1"),
        ("222", "D", 200, "1"),
        ("114", "C", 150, "1"),
        ("222", "D", 700, "2"),
        ("102", "C", 1_050, None),
    ]
    assert draft.memo == "支付2024年度盈余分配"
    accepted(COOP, draft, ["1", "2"])


def test_a_payment_wholly_offset_pays_no_cash_and_a_village_says_income() -> None:
    draft = postings.payment(
        VILLAGE,
        cooperative=False,
        year=2024,
        paid_on=ON,
        cash_account="101",
        payments=[postings.Payment(postings.MemberPart("3", 0, 400), offset_fen=400)],
    )
    assert entries(draft) == [("113", "D", 400, "3"), ("113", "C", 400, "3")]
    assert draft.memo == "支付2024年度收益分配"


def test_a_conversion_turns_what_members_are_owed_into_their_capital() -> None:
    draft = postings.conversion(
        COOP,
        2024,
        ON,
        " 决议3 ",
        [postings.MemberPart("1", 100, 50), postings.MemberPart("2", 0, 70)],
    )
    assert entries(draft) == [
        ("221", "D", 100, "1"),
        ("222", "D", 50, "1"),
        ("301", "C", 150, "1"),
        ("222", "D", 70, "2"),
        ("301", "C", 70, "2"),
    ]
    assert draft.memo == "2024年度盈余转为成员出资"
    assert draft.lines[2].memo == "盈余转为出资（决议3）"


def test_a_village_books_a_cooperatives_dividend_as_investment_income() -> None:
    draft = postings.dividend_receipt(VILLAGE, ON, "大蒜合作社", 2024, "C1", 12_345)
    assert entries(draft) == [("102", "D", 12_345, None), ("502", "C", 12_345, None)]
    assert draft.memo == "收到大蒜合作社2024年度盈余分配（成员C1）"


@settings(max_examples=100, deadline=None)
@given(
    cost=st.integers(1, 10**12),
    accumulated=st.integers(0, 10**12),
    proceeds=st.integers(0, 10**12),
    charges=st.lists(st.tuples(st.sampled_from(list(AssetUse)), st.integers(1, 10**9)), min_size=1),
)
def test_every_asset_draft_balances(
    cost: int, accumulated: int, proceeds: int, charges: list[tuple[AssetUse, int]]
) -> None:
    card = asset(cost_fen=cost, funding={"F1": cost // 2} if cost > 1 else {})
    funds = {"F1": postings.FundPart("资金", "235")}
    for draft in (
        postings.acquisition(COOP, card, "102", funds),
        postings.depreciation(COOP, Period(2025, 1), charges),
    ):
        accepted(COOP, draft)
    if accumulated <= cost:
        disposal = postings.disposal(COOP, card, ON, accumulated, proceeds, "102")
        debit, credit = totals(disposal.lines)
        assert debit == credit
        assert all(isinstance(ln, Line) and ln.amount_fen > 0 for ln in disposal.lines)


def test_the_year_end_carries_a_surplus_or_a_loss_into_undistributed_surplus() -> None:
    surplus = postings.carry_surplus(COOP, 2024, 12_000, cooperative=True)
    assert surplus is not None and surplus.booked_on == date(2024, 12, 31)
    assert entries(surplus) == [("331", "D", 12_000, None), ("33202", "C", 12_000, None)]
    assert surplus.memo == "结转2024年度本年盈余"
    loss = postings.carry_surplus(VILLAGE, 2024, -3_000, cooperative=False)
    assert loss is not None and loss.memo == "结转2024年度本年收益"
    assert entries(loss) == [("32202", "D", 3_000, None), ("321", "C", 3_000, None)]
    assert postings.carry_surplus(COOP, 2024, 0, cooperative=True) is None
