"""Posting recipes: which accounts each register event debits and credits.

Given plain values — the chart in use, an asset card, a month's charges, a share event, a
distribution plan — each recipe returns the voucher drafts the event prepares; the services
gather the values and hand the drafts to the posting path, where they are reviewed and posted
like any voucher. Every draft balances. The accounts come from the chart's roles:

- an acquisition: Dr the asset's cost account by its kind (固定资产, 生产性生物资产, 公益性生物资产,
  无形资产, 长期待摊费用) / Cr the paying account; for each fund's part, Dr 专项应付款 (or
  一事一议资金) / Cr 专项基金 (in village books 公积公益金: the memos name the account as the chart
  in use names it). An asset received in kind at the nominal 1 yuan goes straight to 专项基金;
- a month's depreciation and amortization: Dr 生产成本 / 管理费用 / 其他支出 by each asset's use,
  Cr each kind's write-down account (累计折旧, 生产性生物资产累计折旧, 累计摊销, or 长期待摊费用
  itself);
- a disposal: through 固定资产清理, the result to 其他收入 or 其他支出;
- capital paid in, transferred, redeemed, or paid back to a member who leaves (股金 by member);
- a distribution plan: 本年盈余 into 未分配盈余, the appropriations and members' parts out of
  各项分配, and 各项分配 cleared into 未分配盈余; its payments, conversion into capital, and a
  village's receipt of a cooperative's dividend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from coopledger.domain.accounts import Account, AccountCode, Chart, Subledger
from coopledger.domain.assets import (
    KIND_NAMES,
    KIND_ROLES,
    AssetKind,
    AssetUse,
    DisposalAccounts,
    FixedAsset,
    disposal_lines,
)
from coopledger.domain.errors import field_error
from coopledger.domain.ledger import Dr, Line, VoucherDraft, VoucherKind
from coopledger.domain.periods import Period
from coopledger.domain.shares import EventKind

#: the chart role a month's depreciation of an asset is charged to, by the asset's use
USE_ROLE = {
    AssetUse.PRODUCTION: "depreciation_production",
    AssetUse.MANAGEMENT: "depreciation_management",
    AssetUse.PUBLIC_WELFARE: "depreciation_public_welfare",
}
#: members per distribution or payment voucher (a cooperative's member takes two lines)
MEMBERS_PER_VOUCHER = 2_000
#: the longest memo a voucher carries
MEMO_CHARS = 200
#: 一事一议资金, where a chart keeps it with a fund subledger
ONE_MATTER_ACCOUNT = "231"
ONE_MATTER_SOURCE = "one_matter_one_discussion"


# -- fixed assets ----------------------------------------------------------------------------------


def fund_payable_account(chart: Chart, accounts: Mapping[AccountCode, Account], source: str) -> str:
    """Where a fund's money waits to be spent: 一事一议 money in 一事一议资金 where the
    organization's chart has it with a fund subledger; every other grant in 专项应付款."""
    account = accounts.get(ONE_MATTER_ACCOUNT)
    if source == ONE_MATTER_SOURCE and account is not None and account.subledger is Subledger.FUND:
        return ONE_MATTER_ACCOUNT
    return chart.role("special_payable")


def account_name(chart: Chart, code: AccountCode) -> str:
    """The account's name in the chart in use (专项基金 in a cooperative's books, 公积公益金 in a
    village's), for the memos of generated vouchers."""
    return next((a.name_zh for a in chart.accounts if a.code == code), code)


def kind_accounts(chart: Chart, kind: AssetKind) -> tuple[AccountCode, AccountCode | None]:
    """The cost account of an asset of ``kind`` in ``chart`` and where its depreciation or
    amortization is credited (None: never written down; the cost account itself where the chart
    amortizes straight off it).

    :raise ValidationFailed: the chart has no account for that kind (on ``kind``).
    """
    cost_role, contra_role = KIND_ROLES[kind]
    cost = chart.roles.get(cost_role)
    contra = chart.roles.get(contra_role) if contra_role else None
    if cost is None or (contra_role is not None and contra is None):
        raise field_error(
            "kind",
            f"the {chart.id} chart has no account for {KIND_NAMES[kind]} "
            f"({kind.value.replace('_', ' ')}): register it under a kind that chart keeps",
        )
    return cost, contra


@dataclass(frozen=True, slots=True)
class FundPart:
    """A fund that financed part of an asset: its name (in the memos) and its payable account."""

    name: str
    payable_account: AccountCode


def acquisition(
    chart: Chart, asset: FixedAsset, pay_account: AccountCode, funds: Mapping[str, FundPart]
) -> VoucherDraft:
    """The acquisition voucher of an asset, dated on its acquisition, one attachment.

    Dr 固定资产 / Cr ``pay_account`` at cost; then, fund by fund in code order, its part
    Dr the fund's payable account (with the fund) / Cr 专项基金. An asset at the nominal amount
    is Dr 固定资产 / Cr 专项基金 (名义金额入账) and pays nothing. ``funds`` names every fund of
    ``asset.funding``.
    """
    memo = f"购入{KIND_NAMES[asset.kind]} {asset.asset_no} {asset.name}"[:MEMO_CHARS]
    fixed, special_fund = kind_accounts(chart, asset.kind)[0], chart.role("special_fund")
    if asset.nominal:
        lines = [
            Line(fixed, Dr.DEBIT, asset.cost_fen, memo=memo),
            Line(special_fund, Dr.CREDIT, asset.cost_fen, memo="名义金额入账"),
        ]
        return VoucherDraft(asset.acquired_on, memo, tuple(lines), attachments=1)
    lines = [
        Line(fixed, Dr.DEBIT, asset.cost_fen, memo=memo),
        Line(pay_account, Dr.CREDIT, asset.cost_fen, memo=memo),
    ]
    into = account_name(chart, special_fund)
    for code, amount in sorted(asset.funding.items()):
        fund = funds[code]
        lines.append(
            Line(fund.payable_account, Dr.DEBIT, amount, fund=code, memo=f"{fund.name}转{into}")
        )
        lines.append(Line(special_fund, Dr.CREDIT, amount, memo=f"{fund.name}形成资产"))
    return VoucherDraft(asset.acquired_on, memo, tuple(lines), attachments=1)


def depreciation(
    chart: Chart,
    period: Period,
    charges: Sequence[tuple[AssetUse, int] | tuple[AssetUse, int, AssetKind]],
) -> VoucherDraft:
    """One month's depreciation voucher, dated on the month's last day: for each asset charged
    (its use, the charge in fen, and its kind — a fixed asset when left out), Dr the expense of
    its use — one line per account, in code order — and Cr each kind's write-down account its
    kinds' total, in code order (累计折旧 alone when only fixed assets are charged)."""
    kinds = {charge[2] if len(charge) > 2 else AssetKind.FIXED for charge in charges}
    what = "固定资产折旧" if kinds <= {AssetKind.FIXED} else "折旧及摊销"
    memo = f"计提{period.year}年{period.month}月{what}"
    by_account: dict[str, int] = defaultdict(int)
    by_contra: dict[str, int] = defaultdict(int)
    for charge in charges:
        use, fen = charge[0], charge[1]
        kind = charge[2] if len(charge) > 2 else AssetKind.FIXED
        contra = kind_accounts(chart, kind)[1]
        assert contra is not None, "a kind never written down is never charged"
        by_account[chart.role(USE_ROLE[use])] += fen
        by_contra[contra] += fen
    lines = [
        Line(code, Dr.DEBIT, fen, memo=f"{memo}（{len(charges)}项资产）")
        for code, fen in sorted(by_account.items())
    ]
    lines += [Line(code, Dr.CREDIT, fen, memo=memo) for code, fen in sorted(by_contra.items())]
    return VoucherDraft(period.last_day, memo, tuple(lines), attachments=1)


def disposal(
    chart: Chart,
    asset: FixedAsset,
    on: date,
    accumulated_fen: int,
    proceeds_fen: int,
    receive_account: AccountCode,
) -> VoucherDraft:
    """The disposal voucher (a fixed asset through 固定资产清理; another kind straight out of its
    accounts): the asset leaves its cost and write-down accounts, what it fetched comes into
    ``receive_account``, the difference goes to 其他收入 or 其他支出.

    :raise ValidationFailed: negative proceeds; the chart has no account for the asset's kind.
    """
    cost, contra = kind_accounts(chart, asset.kind)
    lines = disposal_lines(
        asset,
        accumulated_fen,
        proceeds_fen,
        receive_account,
        DisposalAccounts(
            cost,
            contra,
            chart.role("disposal"),
            chart.role("other_income"),
            chart.role("other_expenses"),
        ),
    )
    memo = f"处置{KIND_NAMES[asset.kind]} {asset.asset_no} {asset.name}"[:MEMO_CHARS]
    return VoucherDraft(
        on,
        memo,
        tuple(Line(a, Dr.DEBIT if debit else Dr.CREDIT, fen, memo=memo) for a, debit, fen in lines),
        attachments=1,
    )


# -- capital ---------------------------------------------------------------------------------------

CAPITAL_EVENTS = (EventKind.CONTRIBUTE, EventKind.TRANSFER, EventKind.REDEEM)


def capital_event(
    chart: Chart,
    kind: EventKind,
    on: date,
    reason: str,
    amount_fen: int,
    member_no: str,
    *,
    to_member: str | None = None,
    pay_account: AccountCode | None = None,
) -> VoucherDraft:
    """The voucher of a share event that moves capital (股金, by member), one attachment:

    - ``contribute``: Dr the paying account / Cr 股金 of ``member_no``;
    - ``transfer``: Dr 股金 of ``member_no`` / Cr 股金 of ``to_member``;
    - ``redeem``: Dr 股金 of ``member_no`` / Cr the paying account.

    The paying account is ``pay_account``, by default the bank. Quantifying and reassigning a
    share move no money and prepare no voucher.

    :raise ValueError: any other kind of event.
    """
    capital = chart.role("capital")
    pay = pay_account or chart.role("bank")
    if kind is EventKind.TRANSFER:
        assert to_member is not None
        lines = (
            Line(capital, Dr.DEBIT, amount_fen, member=member_no, memo=reason),
            Line(capital, Dr.CREDIT, amount_fen, member=to_member, memo=reason),
        )
    elif kind is EventKind.REDEEM:
        lines = (
            Line(capital, Dr.DEBIT, amount_fen, member=member_no, memo=reason),
            Line(pay, Dr.CREDIT, amount_fen, memo=reason),
        )
    elif kind is EventKind.CONTRIBUTE:
        lines = (
            Line(pay, Dr.DEBIT, amount_fen, memo=reason),
            Line(capital, Dr.CREDIT, amount_fen, member=member_no, memo=reason),
        )
    else:
        raise ValueError(f"a {kind.value} event prepares no voucher")
    return VoucherDraft(on, reason.strip()[:MEMO_CHARS], lines, 1)


def withdrawal_memo(member_no: str, name: str) -> str:
    """What a member's leaving says, on its voucher and its share event."""
    return f"成员{member_no}{name}退社，退还出资及公积金份额"


def withdrawal(
    chart: Chart,
    on: date,
    member_no: str,
    name: str,
    capital_fen: int,
    reserve_fen: int,
    pay_account: AccountCode | None = None,
) -> VoucherDraft | None:
    """A member leaves and is paid back its capital and reserve share (quantified shares stay
    with the pool): Dr 股金 of the member, Dr 盈余公积 / Cr the paying account (by default the
    bank). None when there is nothing to pay back."""
    memo = withdrawal_memo(member_no, name)
    lines: list[Line] = []
    if capital_fen > 0:
        lines.append(
            Line(chart.role("capital"), Dr.DEBIT, capital_fen, member=member_no, memo=memo)
        )
    if reserve_fen > 0:
        lines.append(Line(chart.role("surplus_reserve"), Dr.DEBIT, reserve_fen, memo=memo))
    if not lines:
        return None
    pay = pay_account or chart.role("bank")
    lines.append(Line(pay, Dr.CREDIT, capital_fen + max(reserve_fen, 0), memo=memo))
    return VoucherDraft(on, memo[:MEMO_CHARS], tuple(lines), 1)


# -- distribution ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberPart:
    """One member's part of a plan: its patronage refund and residual part, in fen."""

    member_no: str
    patronage_fen: int
    residual_fen: int

    @property
    def total_fen(self) -> int:
        return self.patronage_fen + self.residual_fen


@dataclass(frozen=True, slots=True)
class PlanToPost:
    """An approved plan as its vouchers need it."""

    year: int
    approved_on: date
    resolution: str | None
    surplus_fen: int  # S
    reserve_fen: int  # R
    others: tuple[tuple[str, AccountCode, int], ...]  # other appropriations: name, account, fen
    distributable_fen: int  # D = S − L − R (+ prior undistributed): P + others + Q
    members: tuple[MemberPart, ...]
    #: the year-end close carried S into 未分配盈余 already (books closed before it did: not)
    surplus_carried: bool = True
    #: the vouchers' date: 31 December of the year while its December is open for the
    #: distribution (the year carried, not closed); otherwise the approval's (None)
    booked_on: date | None = None


def _word(cooperative: bool) -> str:
    return "盈余" if cooperative else "收益"


def carry_surplus(
    chart: Chart, year: int, surplus_fen: int, *, cooperative: bool
) -> VoucherDraft | None:
    """The year-end transfer of 本年盈余 (village: 本年收益) into 未分配盈余, dated 31 December,
    after the closing voucher: a surplus Dr 本年盈余 / Cr 未分配盈余, a loss the other way, so
    that 本年盈余 ends the year at zero and a loss waits in 未分配盈余 for a later year to cover.
    None when the year broke even."""
    if surplus_fen == 0:
        return None
    word = _word(cooperative)
    memo = f"{year}年度本年{word}转入未分配{word}"
    into, out_of = (
        (chart.undistributed_account, chart.surplus_account)
        if surplus_fen > 0
        else (chart.surplus_account, chart.undistributed_account)
    )
    amount = abs(surplus_fen)
    return VoucherDraft(
        date(year, 12, 31),
        f"结转{year}年度本年{word}",
        (
            Line(out_of, Dr.DEBIT, amount, memo=memo),
            Line(into, Dr.CREDIT, amount, memo=memo),
        ),
        kind=VoucherKind.CLOSING,
    )


def _chunks(items: Sequence[Line], size: int) -> list[Sequence[Line]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def distribution(chart: Chart, plan: PlanToPost, *, cooperative: bool) -> list[VoucherDraft]:
    """The statutory vouchers of an approved plan, dated 31 December of the year when the
    year's December is still open for them, otherwise on the plan's approval; one attachment
    each:

    1. only for books whose year-end close did not carry it (closed before it did): Dr 本年盈余
       / Cr 未分配盈余, the year's surplus S (see :func:`carry_surplus`);
    2. Dr 各项分配 / Cr 盈余公积 R, Cr each other appropriation, and per member Cr 应付盈余返还
       and 应付剩余盈余 (a village: Cr 内部往来 its whole part) — at most
       :data:`MEMBERS_PER_VOUCHER` members a voucher, numbered (1/n) when there are several;
    3. Dr 未分配盈余 / Cr 各项分配, what was distributed (R + others + P + Q = R + D: the other
       appropriations come out of D, after the patronage return).

    A village says 收益 where a cooperative says 盈余.
    """
    on, y = plan.booked_on or plan.approved_on, plan.year
    word = _word(cooperative)
    undistributed, appropriation = chart.undistributed_account, chart.appropriation_account
    drafts = []
    if not plan.surplus_carried:  # books closed before the year-end close carried it
        carried = f"{y}年度本年{word}转入未分配{word}"
        drafts.append(
            VoucherDraft(
                on,
                f"结转{y}年度本年{word}",
                (
                    Line(chart.surplus_account, Dr.DEBIT, plan.surplus_fen, memo=carried),
                    Line(undistributed, Dr.CREDIT, plan.surplus_fen, memo=carried),
                ),
                attachments=1,
            )
        )
    head: list[Line] = []
    if plan.reserve_fen:
        head.append(
            Line(
                chart.role("surplus_reserve"),
                Dr.CREDIT,
                plan.reserve_fen,
                memo=f"提取{'盈余公积' if cooperative else '公积公益金'}",
            )
        )
    for name, account, fen in plan.others:
        head.append(Line(account, Dr.CREDIT, fen, memo=name))
    member_lines: list[Line] = []
    for part in plan.members:
        parts = (
            (
                (chart.role("patronage_payable"), part.patronage_fen, "盈余返还"),
                (chart.role("residual_payable"), part.residual_fen, "剩余盈余分配"),
            )
            if cooperative
            else ((chart.role("member_current"), part.total_fen, "收益分配"),)
        )
        member_lines.extend(
            Line(account, Dr.CREDIT, fen, member=part.member_no, memo=memo)
            for account, fen, memo in parts
            if fen
        )
    chunks = _chunks(member_lines, 2 * MEMBERS_PER_VOUCHER)
    for n, chunk in enumerate(chunks, start=1):
        credits = (head if n == 1 else []) + list(chunk)
        total = sum(line.amount_fen for line in credits)
        if not total:
            continue
        suffix = f"（{n}/{len(chunks)}）" if len(chunks) > 1 else ""
        memo = f"{y}年度{word}分配（决议{plan.resolution}）{suffix}"
        drafts.append(
            VoucherDraft(
                on,
                memo[:MEMO_CHARS],
                (Line(appropriation, Dr.DEBIT, total, memo=f"{word}分配"), *credits),
                attachments=1,
            )
        )
    # what the vouchers above debited to 各项分配: the reserve, the other appropriations and the
    # members' parts, together the reserve and the distributable surplus
    distributed = (
        plan.reserve_fen
        + sum(fen for _n, _a, fen in plan.others)
        + sum(part.total_fen for part in plan.members)
    )
    drafts.append(
        VoucherDraft(
            on,
            f"结转{y}年度各项分配",
            (
                Line(undistributed, Dr.DEBIT, distributed, memo="各项分配转入未分配"),
                Line(appropriation, Dr.CREDIT, distributed, memo="各项分配转入未分配"),
            ),
            attachments=1,
        )
    )
    return drafts


def split_payment(patronage_left_fen: int, amount_fen: int, cooperative: bool) -> tuple[int, int]:
    """(patronage, residual) of a payment to a member: a cooperative settles the patronage
    refund still owed first, then the residual part; a village owes one sum (all residual)."""
    if not cooperative:
        return 0, amount_fen
    patronage = min(amount_fen, patronage_left_fen)
    return patronage, amount_fen - patronage


def _settled(chart: Chart, cooperative: bool, part: MemberPart) -> list[Line]:
    """Dr what a payment settles of a member's part: 应付盈余返还 and 应付剩余盈余 (a village:
    内部往来 the residual)."""
    no = part.member_no
    if not cooperative:
        return [
            Line(
                chart.role("member_current"),
                Dr.DEBIT,
                part.residual_fen,
                member=no,
                memo="支付收益分配",
            )
        ]
    out = []
    if part.patronage_fen:
        out.append(
            Line(
                chart.role("patronage_payable"),
                Dr.DEBIT,
                part.patronage_fen,
                member=no,
                memo="支付盈余返还",
            )
        )
    if part.residual_fen:
        out.append(
            Line(
                chart.role("residual_payable"),
                Dr.DEBIT,
                part.residual_fen,
                member=no,
                memo="支付剩余盈余",
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Payment:
    """What one member is paid: its parts settled, and how much of it offsets its debt on
    成员往来 instead of being paid out."""

    part: MemberPart
    offset_fen: int = 0


def payment(
    chart: Chart,
    *,
    cooperative: bool,
    year: int,
    paid_on: date,
    cash_account: AccountCode,
    payments: Iterable[Payment],
) -> VoucherDraft:
    """One payment voucher of a plan: per member Dr what is settled, Cr 成员往来 the part that
    offsets its debt (抵扣成员欠款); then Cr ``cash_account`` the rest, in one line."""
    lines: list[Line] = []
    cash_total = 0
    for p in payments:
        lines.extend(_settled(chart, cooperative, p.part))
        if p.offset_fen:
            lines.append(
                Line(
                    chart.role("member_current"),
                    Dr.CREDIT,
                    p.offset_fen,
                    member=p.part.member_no,
                    memo="抵扣成员欠款",
                )
            )
        cash_total += p.part.total_fen - p.offset_fen
    if cash_total:
        lines.append(Line(cash_account, Dr.CREDIT, cash_total, memo=f"支付{year}年度盈余分配"))
    memo = f"支付{year}年度{_word(cooperative)}分配"
    return VoucherDraft(paid_on, memo, tuple(lines), attachments=1)


def conversion(
    chart: Chart, year: int, on: date, resolution: str, parts: Iterable[MemberPart]
) -> VoucherDraft:
    """A cooperative's members' unpaid parts converted into capital by the assembly's
    ``resolution``: per member Dr what is settled / Cr 股金 of the member."""
    memo = f"盈余转为出资（{resolution.strip()}）"
    lines: list[Line] = []
    for part in parts:
        lines.extend(_settled(chart, True, part))
        lines.append(
            Line(chart.role("capital"), Dr.CREDIT, part.total_fen, member=part.member_no, memo=memo)
        )
    return VoucherDraft(on, f"{year}年度盈余转为成员出资", tuple(lines), 1)


def dividend_receipt(
    chart: Chart, on: date, cooperative_name: str, year: int, member_no: str, paid_fen: int
) -> VoucherDraft:
    """A village receives what a cooperative's plan paid it as member ``member_no``:
    Dr 银行存款 / Cr 投资收益."""
    memo = f"收到{cooperative_name}{year}年度盈余分配（成员{member_no}）"
    return VoucherDraft(
        on,
        memo[:MEMO_CHARS],
        (
            Line(chart.role("bank"), Dr.DEBIT, paid_fen, memo=memo),
            Line(chart.role("investment_income"), Dr.CREDIT, paid_fen, memo=memo),
        ),
        attachments=1,
    )
