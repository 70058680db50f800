"""Books kept under a superseded chart, mapped into the current one.

The official transition maps (财会〔2021〕38号 for cooperatives; the 2023 village system's
equivalence table) go **by system version and account name**: many codes changed for unchanged
names (village 应付款 202 → 211, 投资收益 561 → 502), so a code is only ever read inside its
declared version, and a name given beside it must be that version's name for the code.

Where the official map splits one old account into several new ones (old 211 应付款 into
211/213/214/215; old 牲畜（禽）资产 and 林木资产 into the biological-asset accounts), the default
target is taken and the mapping report says that the balance may need to be split by hand.
An old account with no place in the new chart (village 212 应付福利费, 171 拨付所属单位资金) is
refused, naming it, so that its balance is moved deliberately rather than guessed.

The village 发包及上交收入 is split by what it holds, as the 2023 transition rules say: contract
fees (承包金) are 经营收入, profit remitted by the collective's enterprises (上交利润) is 投资收益 —
a sub-account whose name says 上交 goes to 502, the rest to 501.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coopledger.domain.accounts import Chart

#: the chart a legacy chart's books are imported into
SUCCESSOR = {"cooperative-2007": "cooperative-2021", "village-2004": "village-2023"}

#: (legacy chart, old name) → (a word in a sub-account's name, the new code it goes to instead,
#: the note): an old account the new system splits by what its sub-accounts hold
BY_SUB_ACCOUNT: dict[tuple[str, str], tuple[str, str, str]] = {
    ("village-2004", "发包及上交收入"): (
        "上交",
        "502",
        "profit remitted by the collective's enterprises (上交利润) is 投资收益 in the 2023 system",
    ),
}

_SPLIT = "the old account was split in the new system: check whether part belongs to {}"

#: (legacy chart, old name) → (new code, note for the report). Names as in the legacy chart files.
MAPS: dict[str, dict[str, tuple[str | None, str]]] = {
    "cooperative-2007": {
        "库存现金": ("101", ""),
        "银行存款": ("102", ""),
        "其他货币资金": ("109", ""),
        "应收款": ("113", ""),
        "成员往来": ("114", ""),
        "产品物资": ("121", ""),
        "包装物": ("122", ""),
        "委托加工物资": ("124", ""),
        "委托代销商品": ("125", ""),
        "受托代购商品": ("127", ""),
        "受托代销商品": ("128", ""),
        "对外投资": ("131", ""),
        "牲畜（禽）资产": ("141", _SPLIT.format("142 生产性生物资产 (breeding and draught stock)")),
        "林木资产": ("142", _SPLIT.format("141 消耗性生物资产 or 144 公益性生物资产")),
        "固定资产": ("151", ""),
        "累计折旧": ("152", ""),
        "在建工程": ("153", ""),
        "固定资产清理": ("154", ""),
        "无形资产": ("161", ""),
        "短期借款": ("201", ""),
        "应付款": ("211", _SPLIT.format("213 应付劳务费, 214 应交税费 or 215 应付利息")),
        "应付工资": ("212", ""),
        "应付盈余返还": ("221", ""),
        "应付剩余盈余": ("222", ""),
        "长期借款": ("231", ""),
        "专项应付款": ("235", ""),
        "股金": ("301", ""),
        "专项基金": ("311", ""),
        "资本公积": ("321", ""),
        "盈余公积": ("322", ""),
        "本年盈余": ("331", ""),
        "盈余分配": ("332", ""),
        "生产成本": ("401", ""),
        "经营收入": ("501", ""),
        "其他收入": ("502", ""),
        "投资收益": ("511", ""),
        "经营支出": ("521", ""),
        "管理费用": ("523", "code changed: 522 → 523"),
        "其他支出": ("529", _SPLIT.format("524 财务费用 (interest and bank fees)")),
    },
    "village-2004": {
        "现金": ("101", "renamed 库存现金"),
        "银行存款": ("102", ""),
        "短期投资": ("111", ""),
        "应收款": ("112", ""),
        "内部往来": ("113", ""),
        "库存物资": ("121", ""),
        "牲畜（禽）资产": ("131", _SPLIT.format("132 生产性生物资产 (breeding and draught stock)")),
        "林木资产": ("132", _SPLIT.format("131 消耗性 or 134 公益性生物资产 (非经济林木)")),
        "长期投资": ("141", ""),
        "固定资产": ("151", ""),
        "累计折旧": ("152", ""),
        "固定资产清理": ("154", "code changed: 153 → 154"),
        "在建工程": ("153", "code changed: 154 → 153"),
        "无形资产": ("161", ""),
        "拨付所属单位资金": (None, "no account in the 2023 system; move the balance by hand first"),
        "短期借款": ("201", ""),
        "应付款": ("211", "code changed: 202 → 211"),
        "应付工资": ("212", "code changed: 211 → 212"),
        "应付福利费": (None, "dropped from the 2023 system; move the balance by hand first"),
        "长期借款及应付款": ("221", ""),
        "一事一议资金": ("231", ""),
        "专项应付款": ("241", ""),
        "资本": ("301", ""),
        "公积公益金": ("311", ""),
        "本年收益": ("321", ""),
        "收益分配": ("322", ""),
        "生产（劳务）成本": ("401", ""),
        "经营收入": ("501", ""),
        "经营支出": ("511", "code changed: 502 → 511"),
        "发包及上交收入": (
            "501",
            "contract fees (承包金) into 经营收入; a remittance of profit (上交利润) belongs in 502 "
            "投资收益: book it as a sub-account named for it, or split it by hand",
        ),
        "农业税附加返还收入": ("503", "unconfirmed: taken into 补助收入"),
        "补助收入": ("503", "code changed: 522 → 503"),
        "其他收入": ("504", "code changed: 531 → 504"),
        "管理费用": ("513", "code changed: 541 → 513"),
        "其他支出": ("515", "code changed: 551 → 515"),
        "投资收益": ("502", "code changed: 561 → 502"),
    },
}


@dataclass(frozen=True, slots=True)
class Mapped:
    """Where one account of the old books went, for the mapping report."""

    old_code: str
    old_name: str
    new_code: str
    new_name: str
    note: str


class Mapper:
    """Resolves the account cells of a file kept under ``legacy`` into ``current`` codes.

    A cell holds the old code, the old name, or both (``522 管理费用``). Sub-accounts keep their
    suffix under the new parent (old 52201 → new 52301), which must exist in the books.
    """

    def __init__(self, legacy: Chart, current: Chart, accounts: Mapping[str, str]) -> None:
        """``accounts``: the organization's codes → Chinese names (its sub-accounts included)."""
        if SUCCESSOR.get(legacy.id) != current.id:
            raise ValueError(f"{legacy.id} books are not imported into the {current.id} chart")
        self.legacy, self.current, self.accounts = legacy, current, accounts
        self.old_names = {a.code: a.name_zh for a in legacy.accounts}
        self.by_name = {a.name_zh: a.code for a in legacy.accounts if a.parent is None}
        self.used: dict[str, Mapped] = {}

    def resolve(self, cell: str) -> tuple[str | None, str]:
        """(new code, "") or (None, why not)."""
        code, _, name = cell.strip().partition(" ")
        name = name.strip()
        if not code.isdigit():  # a name alone
            code, name = self.by_name.get(cell.strip(), ""), cell.strip()
            if not code:
                return None, f"{cell!r} is not an account of the {self.legacy.id} chart"
        top = next(
            (c for c in sorted(self.by_name.values(), key=len, reverse=True) if code.startswith(c)),
            None,
        )
        if top is None:
            return None, f"{code} is not an account of the {self.legacy.id} chart"
        known = self.old_names.get(code)
        if name and known is not None and name != known:
            return None, f"{code} is {known} in the {self.legacy.id} chart, not {name}"
        target, note = MAPS[self.legacy.id][self.old_names[top]]
        if target is None:
            return None, f"{top} {self.old_names[top]}: {note}"
        new_code = target + code[len(top) :]
        split = BY_SUB_ACCOUNT.get((self.legacy.id, self.old_names[top]))
        if split is not None and code != top and split[0] in (known or name):
            new_code, note = split[1], split[2]
        if new_code not in self.accounts:
            return None, (
                f"{code} maps to {new_code}, which the books do not have; import it as a "
                "sub-account first"
            )
        self.used.setdefault(
            code,
            Mapped(code, known or name, new_code, self.accounts[new_code], note),
        )
        return new_code, ""

    def report(self) -> list[Mapped]:
        return sorted(self.used.values(), key=lambda m: m.old_code)
