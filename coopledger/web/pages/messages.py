"""The books' own words on a page, in the page's language: each refusal and audit finding is
keyed by its stable ``code`` (the API's problem ``code``, the finding's ``code``), its values put
into the Chinese text (the msgid) or its English translation from the catalog.

A new error code (``raise InvalidState(..., code="…", params={…})``) or finding code
(``Finding("…", severity, objects, message, params={…})``) gets its text here, its English in
``coopledger/translations/english.py``; tests/web/test_messages.py fails until both exist. The
API keeps answering in English (the problem's ``detail``, the finding's ``message``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

#: refusals by the problem code the API answers with, and the pages' own outcomes by name
ERROR_CODES: dict[str, Any] = {
    # codes many refusals share: the page shows these only when it knows no better words
    "invalid": _l("填写的内容有误，没有保存。请检查后再试。"),
    "validation_failed": _l("填写的内容不符合记账规则，没有保存。请检查后再试。"),
    "conflict": _l("账簿当前的状态不允许此操作，没有保存。"),
    "invalid_state": _l("此记录当前的状态不允许此操作，没有保存。"),
    "duplicate": _l("已有同样的记录：编号或代码已被使用。"),
    "unauthenticated": _l("请先登录。"),
    "not_found": _l("找不到该页面或记录。"),
    "forbidden": _l("您的角色无权进行此操作。"),
    # vouchers
    "unbalanced": _l("借贷不平衡：借方合计与贷方合计必须相等且不为零。"),
    "period_closed": _l("该月份已结账，不能再记入凭证。"),
    "segregation_of_duties": _l("制单人不能审核自己编制的凭证。"),
    "already_posted": _l("此凭证已经记账。"),
    "not_reviewed": _l("此凭证尚未审核，不能记账。"),
    "already_reversed": _l("此凭证已经冲销过。"),
    "idempotency_in_flight": _l("同一请求正在处理中，请稍后查看结果。"),
    "idempotency_key_reused": _l("这个请求标识已用于另一份不同的请求。"),
    "amount_too_large": _l("金额过大，超出账簿所能记载的范围"),
    "import_rejected": _l("导入的文件有问题，没有写入任何内容。"),
    # months and years
    "vouchers_pending": _l(
        "%(when)s还有 %(n)s 张凭证没有记账（草稿或已审核）：请先审核并记账，或删除草稿，再结账。"
    ),
    "earlier_period_open": _l("月份须按顺序结账：请先结账 %(period)s。"),
    "later_period_closed": _l("须从最后结账的月份倒序重新打开：请先重新打开 %(period)s。"),
    "period_open": _l("该月份尚未结账，无需重新打开。"),
    "year_closed": _l("该年度已经年终结账。"),
    "year_open": _l("该年度尚未年终结账，无需重新打开。"),
    "unsettled_losses": _l(
        "待处理财产损溢还有%(side)s余额 %(amount)s 元：请查明原因，转入相应科目后再年终结账。"
    ),
    "month_not_ended": _l("%(period)s 还没有结束：折旧在月末计提，今天最晚可计提至 %(last)s。"),
    # distribution
    "year_not_closed": _l("该年度尚未年终结账，不能制定分配方案。"),
    "plan_exists": _l("该年度已有已批准或已记账的分配方案，一个年度只能分配一次。"),
    "no_surplus": _l("%(year)s 年度没有盈余（%(amount)s 元），没有可分配的盈余。"),
    "nothing_distributable": _l("可分配盈余为 %(amount)s 元，须大于零才能分配。"),
    "appropriations_exceed_remainder": _l(
        "其他分配合计 %(total)s 元，超过按交易量返还后剩余的可分配盈余 %(remains)s 元。"
    ),
    "guarantee_shortfall": _l("保底无法满足：需要补足 %(x)s 元，超过其他成员可让出的剩余盈余"),
    "vouchers_not_posted": _l("分配凭证尚未全部审核、记账，记账后才能支付。"),
    "more_than_owed": _l("成员 %(member)s 应得未付 %(owed)s 元，少于要支付的 %(amount)s 元。"),
    "no_posted_plan": _l("%(year)s 年度还没有已批准并记账的分配方案，方案记账后才能出具对账单。"),
    "not_transferable": _l("量化份额不能转让，只有股金可以转让"),
    "operating_assets_only": _l(
        "村集体只量化经营性资产的收益权：资金 %(fund)s 形成的经营性资产还可量化 %(left)s 元，"
        "不是 %(amount)s 元。"
    ),
    "public_url_unset": _l(
        "没有设置公开地址（COOPLEDGER_PUBLIC_URL），无法生成核验链接：请管理员设置后再出具对账单。"
    ),
    "period_not_closed": _l("%(period)s 尚未结账：请先结账其中各月，再公布财务公开。"),
    # the chart, statements, users and signing in
    "account_in_use": _l("科目 %(account)s 已有凭证，不能在其下增设明细科目。"),
    "no_statement_definition": _l("该单位所用的会计制度没有这张报表。"),
    "self_demotion": _l("管理员不能停用自己或取消自己的管理员角色。"),
    "invalid_credentials": _l("用户名或密码不正确。"),
    "too_many_attempts": _l("登录失败次数过多，账户已暂时锁定，请十五分钟后再试。"),
    "session_ended": _l("登录已失效，请重新登录。"),
    "invalid_token": _l("访问令牌无效或已过期。"),
    # what the pages answer themselves
    "schema_not_current": _l(
        "系统的数据库尚未就绪（结构缺失或过旧），请联系管理员运行 coopledger db upgrade。"
    ),
    # donations in kind
    "out_of_stock": _l(
        "%(item)s 库存只剩 %(left)s %(unit)s，要发放 %(asked)s %(unit)s：没有发放。"
    ),
    "not_a_member": _l("%(member)s 号在发放当天不是本组织的成员（未入社或已退出）：没有发放。"),
    # an online shop's platform settlements
    "settlement_file_imported": _l(
        "文件 %(file)s 已经导入过（当时的文件名 %(earlier)s）：没有重复记账。"
    ),
    "settlement_line_imported": _l(
        "文件 %(file)s 第 %(row)s 行已在另一份结算文件中导入过：没有重复记账。"
    ),
    "nothing_to_book": _l("发放的物资价值不足 1 分钱，无法记账：请一次发放更多数量。"),
    # contracts and the 一事一议 备查簿
    "no_contract_income": _l(
        "会计制度 %(chart)s 没有核算发包收入的科目：承包合同由村集体经济组织登记。"
    ),
    "contract_overpaid": _l(
        "合同 %(contract)s 已确认未收的承包费只有 %(left)s 元，收款不能超过此数。"
    ),
    "villages_only": _l("一事一议备查簿只由村集体经济组织登记。"),
    # the bank reconciliation: lines paired by hand
    "bank_pair_shape": _l(
        "请勾选一行对账单和一行或多行凭证，或一行凭证和一行或多行对账单（每边最多 200 行）。"
    ),
    "bank_amounts_differ": _l(
        "所选对账单行合计 %(bank)s 元，所选凭证行合计 %(book)s 元，金额不等，不能配对"
        "（收入对借方、支出对贷方，合计须相同）。"
    ),
    "bank_line_matched": _l("所选的行已经配对；请刷新页面后重新勾选。"),
    # the members' roll and share register with 集体股
    "share_roll_villages_only": _l(
        "成员名册和份额登记簿（含集体股）只由村集体经济组织登记；合作社的成员份额见成员名册。"
    ),
    # subsidy claims: policies, claims, receipt and payment
    "policy_invalid": _l("补贴政策文件 %(file)s 第 %(line)s 行有误，政策没有读入。"),
    "unknown_policy": _l("没有补贴政策 %(policy)s。"),
    "policy_not_in_force": _l("补贴政策 %(policy)s 在 %(year)s 年不适用。"),
    "claim_period_open": _l("%(period)s 尚未结账：申报表只按已结账的月份生成，请先结账。"),
    "subsidy_nothing_due": _l("按这项政策没有应得的补贴（无符合条件的农户，或户数不足）。"),
    "claim_not_draft": _l("申报表已申报，不能再次申报。"),
    "claim_not_submitted": _l("申报表尚未申报，不能登记到账。"),
    "already_received": _l("这张申报表的补贴资金已登记到账。"),
    "claim_not_received": _l("申报表的补贴资金尚未到账，不能支付到户。"),
    "not_paid_out": _l("这项补贴归本单位所有，不支付到户。"),
    "subsidy_overpaid": _l("%(member)s 号尚欠补贴只有 %(due)s 元，支付不能超过此数。"),
    "no_subsidy_account": _l(
        "成员往来（内部往来）已设明细科目：请增设名称含“补贴”的明细科目，用来记录应付农户的补贴。"
    ),
    "internal_error": _l("出了问题，没有保存任何内容。请稍后再试。"),
    "control_characters": _l("“%(field)s”中含有不允许的控制字符，请求未被处理。"),
    "rate_limited": _l("请求过于频繁，请稍后再试。"),
    "done": _l("已完成。"),
    "saved": _l("凭证已保存为草稿。"),
    "deleted": _l("草稿已删除。"),
    "reversed": _l("已生成红字冲销凭证（草稿），请审核后记账。"),
    "review": _l("凭证已审核。"),
    "unreview": _l("凭证已退回草稿。"),
    "post": _l("凭证已记账。"),
    "attachments": _l("附件张数须为 0 至 9999 的整数"),
    "stale": _l(
        "此凭证在您编辑期间已被他人修改、审核或记账；您的修改没有保存。请查看最新内容后重试。"
    ),
}

#: codes shared by refusals of many kinds: a refusal's own words (when a page knows them) come
#: before these
GENERIC = frozenset(
    {"invalid", "validation_failed", "conflict", "invalid_state", "duplicate", "not_found"}
)

#: the code whose words stand for a refusal of each kind when nothing better is known
KIND_CODE = {
    "invalid": "validation_failed",
    "conflict": "invalid_state",
    "not_found": "not_found",
    "forbidden": "forbidden",
    "unauthenticated": "unauthenticated",
    "rate_limited": "rate_limited",
}

SEVERITY = {"high": _l("高"), "medium": _l("中"), "low": _l("低")}

#: each finding's title and its explanation (its ``params`` put in)
FINDINGS: dict[str, tuple[Any, Any]] = {
    "voucher_unposted": (
        _l("凭证长期未记账"),
        _l("凭证 #%(voucher)s（日期 %(date)s）已有 %(days)s 天没有记账。"),
    ),
    "numbering_gap": (
        _l("凭证号不连续"),
        _l("%(period)s 的凭证号应为 1 至 %(count)s：缺号 %(missing)s；重号 %(repeated)s。"),
    ),
    "posted_in_closed_period": (
        _l("结账后记账"),
        _l("凭证 #%(voucher)s 于 %(posted)s 记账，晚于 %(period)s 的结账时间 %(closed)s。"),
    ),
    "same_person_prepared_and_reviewed": (
        _l("制单与审核为同一人"),
        _l("%(count)s 张已记账凭证的制单人与审核人是同一人：%(voucher)s。"),
    ),
    "asset_not_depreciated": (
        _l("资产未计提折旧"),
        _l("资产 %(asset)s（%(name)s）在用，但 %(months)s 没有计提折旧。"),
    ),
    "fund_overspent": (
        _l("资金超支"),
        _l("资金 %(fund)s 已支出 %(spent)s 元，超过%(limit)s %(limit_amount)s 元。"),
    ),
    "fund_unspent": (
        _l("资金长期未使用"),
        _l("资金 %(fund)s 尚有 %(amount)s 元未使用；自 %(since)s 起 %(days)s 天没有支出。"),
    ),
    "household_payable_unpaid": (
        _l("应付农户款项逾期未付"),
        _l("自 %(since)s 起在 %(account)s 欠成员 %(member)s %(amount)s 元，超过 %(limit)s 天。"),
    ),
    "surplus_not_carried": (
        _l("年终结账后本年盈余未结转"),
        _l("已结账的 %(year)s 年度末，%(account)s 仍有余额 %(amount)s 元，应转入未分配盈余。"),
    ),
    "unsettled_after_close": (
        _l("年终结账后待处理财产损溢仍有余额"),
        _l("已结账的 %(year)s 年度末，待处理财产损溢（%(account)s）仍有 %(amount)s 元。"),
    ),
    "reserve_not_quantified": (
        _l("公积金未量化到成员"),
        _l("分配方案 #%(plan)s 提取的公积金 %(amount)s 元没有量化到成员账户。"),
    ),
    "cash_negative": (
        _l("库存现金为负数"),
        _l("%(day)s 日终库存现金为 %(amount)s 元（此后另有 %(more)s 天为负数）。"),
    ),
    "cash_over_limit": (
        _l("库存现金超过限额"),
        _l(
            "%(day)s 日终库存现金 %(amount)s 元，超过限额 %(limit)s 元"
            "（此后另有 %(more)s 天超限，最高 %(highest)s 元）。"
        ),
    ),
    "cash_over_limit_month_end": (
        _l("月末库存现金超过限额"),
        _l("%(month)s 月末库存现金 %(amount)s 元，超过限额 %(limit)s 元。"),
    ),
    "contract_in_arrears": (
        _l("承包费逾期未收"),
        _l("合同 %(contract)s（%(party)s）自 %(since)s 起欠缴承包费 %(amount)s 元。"),
    ),
    "bank_unreconciled": (
        _l("银行存款未对账"),
        _l("已结账的 %(period)s，%(account)s 有记账但没有余额相符的银行存款余额调节表。"),
    ),
    "guarantee_not_met": (
        _l("保底未满足"),
        _l("分配方案 #%(plan)s 保底成员 %(member)s %(minimum)s 元，实得 %(got)s 元。"),
    ),
    "member_account_unbalanced": (
        _l("成员账与总账不符"),
        _l(
            "成员 %(member)s：分配登记簿记应付 %(register)s 元（%(account)s），账上为 %(ledger)s 元。"
        ),
    ),
    "statements_do_not_tie": (
        _l("报表之间不相符"),
        _l("%(year)s 年末%(line)s：盈余及盈余分配表为 %(this)s，资产负债表为 %(other)s。"),
    ),
    "verified_point_altered": (
        _l("核验点被改动"),
        _l("保存的核验点与其签名不符（可能被改动），已改为从头完整核验。"),
    ),
    "chain_broken": (
        _l("哈希链断裂"),
        _l("%(chain)s在 %(where)s 处不符：记录可能被改动，请立即核查。"),
    ),
}

#: values a refusal or a finding names by a word, which is put into its text in the page's
#: language
WORDS = {
    "received": _l("收到的金额"),
    "granted": _l("批准的金额"),
    "vouchers": _l("记账凭证的哈希链"),
    "audit_log": _l("审计日志的哈希链"),
    "none": _l("无"),
    "借方": _l("借方"),
    "贷方": _l("贷方"),
}


def fill(template: Any, params: Mapping[str, object]) -> str | None:
    """``template`` in the page's language with ``params`` in it; None when one it names is
    missing (a refusal raised without its values)."""
    words = {
        k: str(WORDS[v]) if isinstance(v, str) and v in WORDS else v for k, v in params.items()
    }
    try:
        return str(template) % words if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):
        return None


def code_text(code: str, params: Mapping[str, object]) -> str | None:
    """The words kept for ``code`` with ``params`` put in, or None."""
    template = ERROR_CODES.get(code)
    return None if template is None else fill(template, params)


def finding_title(code: str) -> str:
    found = FINDINGS.get(code)
    return str(found[0]) if found else code


def finding_text(code: str, params: Mapping[str, object]) -> str | None:
    """A finding's explanation in the page's language, or None for a code this module lacks."""
    found = FINDINGS.get(code)
    if found is None:
        return None
    return fill(found[1], params)


def severity_name(severity: str) -> str:
    return str(SEVERITY.get(severity, severity))
