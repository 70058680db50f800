"""Who may call what: every route of the application, declared here once.

One line per endpoint (``"blueprint.view"``, or ``"blueprint.View METHOD"`` when the methods of
one view differ): who may call it and the scope of the objects it touches. ``check_request``
enforces the table for the JSON API before any view runs — scope first, so an organization the
caller is not assigned to is 404 exactly like one that does not exist, then the role (403). The
use cases check again (defense in depth); the web pages enforce the same rules through their
login and the same use cases. A route missing here is refused (deny by default), and
``tests/test_policy.py`` fails on it.

Adding a route = adding one line to :data:`POLICY`.
"""

from __future__ import annotations

from dataclasses import dataclass

from coopledger.domain.roles import Action, Actor, Role

A = Role.ADMIN
ACC = Role.ACCOUNTANT
CASH = Role.CASHIER
REV = Role.REVIEWER
AUD = Role.AUDITOR
HH = Role.HOUSEHOLD


@dataclass(frozen=True, slots=True)
class Rule:
    """``roles``: who may call (None: no login at all). ``scope``: ``none`` (no organization in
    the path), ``org`` (the path's organization must be assigned to the caller), ``member``
    (``org`` and, for a household user, only its own member record — checked by the use case).
    """

    roles: frozenset[Role] | None
    scope: str = "org"

    @property
    def public(self) -> bool:
        return self.roles is None


def rule(*roles: Role, scope: str = "org") -> Rule:
    return Rule(frozenset(roles), scope)


def may(action: Action, scope: str = "org") -> Rule:
    """The roles granted ``action`` (domain/roles.py): the table never disagrees with the grants."""
    granted = [r for r in Role if Actor(0, "", r, frozenset()).may(action)]
    return Rule(frozenset(granted), scope)


PUBLIC = Rule(None, "none")
ANYONE = rule(*Role, scope="none")  # any logged-in user; the use case narrows it
READ = may(Action.READ_BOOKS)  # the books of an assigned organization
MEMBER = rule(*Role, scope="member")  # a member's own records (household: its own only)
PREPARE = may(Action.PREPARE)
REVIEW = may(Action.REVIEW)
POST = may(Action.POST)
REVERSE = may(Action.REVERSE)
MANAGE = may(Action.MANAGE_REGISTERS)  # members, funds, assets, shares, sub-accounts
DISTRIBUTE = may(Action.DISTRIBUTE)  # surplus distribution plans (payments are PREPARE)
ISSUE = may(Action.ISSUE_STATEMENTS)  # household statements in a batch
CLOSE = may(Action.CLOSE_PERIOD)
REOPEN = may(Action.REOPEN_PERIOD)
# the periods page's close-or-reopen step: whoever may do either (the use case checks which)
MONTH_STEP = Rule((CLOSE.roles or frozenset()) | (REOPEN.roles or frozenset()))
AUDIT = rule(A, ACC, AUD)  # the audit log, the auditor's package (audit_log.LOG_READERS)
ANCHOR = rule(A, ACC, AUD)  # signed checkpoints
ADMIN = may(Action.MANAGE_USERS, scope="none")
ORGS = may(Action.MANAGE_ORGS, scope="none")
REGION = may(Action.READ_BOOKS, scope="none")

POLICY: dict[str, Rule] = {
    # -- public: no login -------------------------------------------------------------------------
    "index": PUBLIC,
    "static": PUBLIC,
    "verify": PUBLIC,
    "verify_form": PUBLIC,
    "auth.create_token": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
    "public.disclosure": PUBLIC,
    # -- users and organizations --------------------------------------------------------------
    "auth.Users": ADMIN,
    "auth.update_user": ADMIN,
    "auth.user_tokens": ADMIN,
    "auth.unlock_user": ADMIN,
    "auth.revoke_token": ADMIN,
    "auth.revoke_current": ANYONE,
    "auth.revoke_everywhere": ANYONE,
    "orgs.Orgs GET": ANYONE,
    "orgs.Orgs POST": ORGS,
    "orgs.OneOrg GET": rule(*Role),
    "orgs.OneOrg PATCH": may(Action.MANAGE_ORGS),
    "accounts.Accounts GET": READ,
    "accounts.Accounts POST": MANAGE,
    "members.Members GET": READ,
    "members.Members POST": MANAGE,
    "members.OneMember GET": MEMBER,
    "members.OneMember PATCH": MANAGE,
    # -- vouchers -----------------------------------------------------------------------------
    "vouchers.Vouchers GET": READ,
    "vouchers.Vouchers POST": PREPARE,
    "vouchers.OneVoucher GET": READ,
    "vouchers.OneVoucher PUT": PREPARE,
    "vouchers.OneVoucher DELETE": PREPARE,
    "vouchers.voucher_pdf": READ,
    "vouchers.review": REVIEW,
    "vouchers.unreview": REVIEW,
    "vouchers.post": POST,
    "vouchers.reverse": REVERSE,
    # -- periods, reports, the chain -------------------------------------------------------------
    "periods.list_periods": READ,
    "periods.close_period": CLOSE,
    "periods.reopen_period": REOPEN,
    "periods.carry_year": CLOSE,
    "periods.reopen_year": REOPEN,
    "periods.close_year": CLOSE,
    "reports.trial_balance": READ,
    "reports.ledger": READ,
    "reports.balance_sheet": READ,
    "reports.surplus": READ,
    "reports.members_equity": READ,
    "register-reports.asset_register": READ,
    "register-reports.fund_usage": READ,
    "chain-check.Chain": READ,
    # -- registers ----------------------------------------------------------------------------
    "assets.Assets GET": READ,
    "assets.Assets POST": MANAGE,
    "assets.get_asset": READ,
    "assets.dispose": MANAGE,
    "assets.usage": MANAGE,
    "assets.depreciation": PREPARE,
    "funds.Funds GET": READ,
    "funds.Funds POST": MANAGE,
    "funds.get_fund": READ,
    "funds.trace": READ,
    "donations.Donations GET": READ,
    "donations.Donations POST": MANAGE,
    "donations.stock": READ,
    "donations.Handouts GET": READ,
    "donations.Handouts POST": MANAGE,
    "subsidies.policies": READ,
    "subsidies.preview": READ,
    "subsidies.Claims GET": READ,
    "subsidies.Claims POST": MANAGE,
    "subsidies.one_claim": READ,
    "subsidies.submit": MANAGE,
    "subsidies.receipt": MANAGE,
    "subsidies.payments": MANAGE,
    "donations.Scans GET": READ,
    "donations.Scans POST": MANAGE,
    "donations.scan_download": READ,
    "construction.Projects GET": READ,
    "construction.Projects POST": MANAGE,
    "construction.one_project": READ,
    "construction.spend": MANAGE,
    "construction.complete": MANAGE,
    "contracts.Resources GET": READ,
    "contracts.Resources POST": MANAGE,
    "contracts.Contracts GET": READ,
    "contracts.Contracts POST": MANAGE,
    "contracts.arrears": READ,
    "contracts.charge": MANAGE,
    "contracts.one_contract": READ,
    "contracts.receipt": PREPARE,  # a cashier records the fee received
    "contracts.Projects GET": READ,
    "contracts.Projects POST": MANAGE,
    "contracts.edit_project": MANAGE,
    "shares.shares": READ,
    "shares.ShareEvents GET": READ,
    "shares.ShareEvents POST": MANAGE,
    "shares.share_roll": READ,
    "members.member_account": MEMBER,
    "members.statement_pdf": MEMBER,
    "members.status": MEMBER,
    "members.leave": MANAGE,
    "members.add_transaction": MANAGE,
    "dividends.dividends": READ,
    "dividends.dividend_receipt": PREPARE,
    # -- distribution -------------------------------------------------------------------------
    "distributions.Plans GET": READ,
    "distributions.Plans POST": DISTRIBUTE,
    "distributions.OnePlan GET": READ,
    "distributions.OnePlan DELETE": DISTRIBUTE,
    "distributions.approve": REVIEW,
    "distributions.post_plan": DISTRIBUTE,
    "distributions.payments": PREPARE,
    "distributions.conversions": DISTRIBUTE,
    # -- disclosure and regions -----------------------------------------------------------------
    "disclosure.disclosure": READ,
    "disclosure.publish": CLOSE,
    "disclosure.assembly": MANAGE,
    "disclosure.due": READ,
    "regions.tree": REGION,
    "regions.report": REGION,
    "regions.fund_trace": REGION,
    "pages.org_disclosure": READ,  # the accountant's view of the notice
    # -- imports and exports; the use case narrows by kind ----------------------------------------
    "transfer.import_file": PREPARE,
    # the bank reconciliation: the accountant's, not the cashier's who keeps the bank book
    "bank.list_statements": READ,
    "bank.import_statement": MANAGE,
    "bank.reconciliation": READ,
    "bank.auto_match": MANAGE,
    "bank.match": MANAGE,
    "bank.pair": MANAGE,
    "bank.unmatch": MANAGE,
    # an online shop's platform settlements: imported by the accountant, read by whoever reads
    "shop.list_settlements": READ,
    "shop.import_settlement": MANAGE,
    "transfer.export_data": READ,
    "transfer.import_template": ANYONE,
    # -- statement batches ----------------------------------------------------------------------
    "batches.Batches POST": ISSUE,  # issues every household's code of the year
    "batches.batch": READ,
    "batches.batch_file": READ,
    # -- audit --------------------------------------------------------------------------------
    "audit.Log": AUDIT,
    "audit.Findings": READ,
    "audit.Checkpoints": ANCHOR,
    "audit.VerifyCheckpoint": ANCHOR,
    "audit.export": AUDIT,
    # -- web pages: session login; the same use cases decide -------------------------------------
    "pages.static": PUBLIC,
    "pages.login": PUBLIC,
    "pages.logout": ANYONE,
    "pages.logout_everywhere": ANYONE,
    "pages.admin_users": ADMIN,
    "pages.admin_orgs": ORGS,
    "pages.admin_audit": ADMIN,
    "pages.regions": REGION,  # the use case narrows to the caller's regions and organizations
    "pages.me": ANYONE,
    "pages.my_account": rule(HH, scope="member"),
    "pages.my_statement": rule(HH, scope="member"),
    "pages.verify_listen": PUBLIC,  # a statement read aloud, by its verification code
    "pages.org_picker": ANYONE,
    "pages.dashboard": READ,
    "pages.assets": READ,
    "pages.audit_view": READ,
    "pages.audit_export": AUDIT,
    "pages.distributions": READ,
    "pages.distributions POST": DISTRIBUTE,
    "pages.distribution": READ,
    "pages.distribution_step": PREPARE,
    "pages.funds": READ,
    "pages.fund": READ,
    "pages.donations": READ,
    "pages.construction": READ,
    "pages.construction POST": MANAGE,
    "pages.construction_project": READ,
    "pages.construction_project POST": MANAGE,
    "pages.subsidies": READ,
    "pages.subsidies POST": MANAGE,
    "pages.subsidy_claim_file": READ,
    "pages.donations POST": MANAGE,
    "pages.donation_handouts_pdf": READ,
    "pages.donation_handout_scan": READ,
    "pages.resources": READ,
    "pages.resources POST": MANAGE,
    "pages.contracts": READ,
    "pages.contract": READ,
    "pages.contracts POST": PREPARE,  # a cashier records fees received; the rest is MANAGE
    "pages.village_projects": READ,
    "pages.village_projects POST": MANAGE,
    "pages.village_projects_pdf": READ,
    "pages.members": READ,
    "pages.ledger": READ,
    "pages.trial_balance": READ,
    "pages.statements": READ,
    "pages.balance_sheet_page": READ,
    "pages.surplus_page": READ,
    "pages.members_equity_page": READ,
    "pages.asset_register_page": READ,
    "pages.fund_usage_page": READ,
    "pages.share_roll_page": READ,
    "pages.vouchers": READ,
    "pages.voucher": READ,
    "pages.voucher_pdf": READ,
    "pages.voucher_step": rule(A, ACC, CASH, REV),
    "pages.edit_voucher": PREPARE,
    "pages.new_voucher": PREPARE,
    "pages.periods": READ,
    "pages.bank": READ,
    "pages.bank POST": MANAGE,  # import a statement, match and unmatch
    "pages.shop_settlements": READ,
    "pages.shop_settlements POST": MANAGE,  # import a settlement file
    "pages.periods_year": READ,
    "pages.period_step": MONTH_STEP,
    "pages.year_close": READ,
    "pages.year_close POST": CLOSE,
    "pages.year_carry": READ,
    "pages.year_carry POST": CLOSE,
    "pages.year_reopen": READ,
    "pages.year_reopen POST": REOPEN,
    "pages.depreciation": READ,
    "pages.depreciation POST": PREPARE,
    "pages.new_member": MANAGE,
    "pages.member": READ,
    "pages.member_action": MANAGE,
    "pages.new_fund": MANAGE,
    "pages.quantify_fund": MANAGE,
    "pages.new_asset": MANAGE,
    "pages.asset": READ,
    "pages.dispose_asset": MANAGE,
}


def rule_for(endpoint: str | None, method: str) -> Rule | None:
    """The rule of an endpoint and method (HEAD is GET), or None when none is declared."""
    if endpoint is None:
        return None
    method = "GET" if method == "HEAD" else method
    return POLICY.get(f"{endpoint} {method}") or POLICY.get(endpoint)
