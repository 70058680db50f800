"""The ports the services need, one module per aggregate, and the unit of work that opens them.

The SQL implementations live in ``coopledger.adapters.db``. Every public name is re-exported here,
so ``from coopledger.services.ports import Org, UnitOfWork`` names what a service needs.
"""

from __future__ import annotations

from coopledger.services.ports.accounts import AccountStore
from coopledger.services.ports.audit_log import (
    AuditLog,
    AuditQuery,
    AuditStore,
    LineFact,
    VoucherFact,
)
from coopledger.services.ports.bank import BankStatements, StatementRecord, StoredLine
from coopledger.services.ports.clock import Clock
from coopledger.services.ports.distributions import (
    Distributions,
    IssuedStatement,
    PaidSoFar,
    PlanLineRecord,
    PlanRecord,
)
from coopledger.services.ports.donations import (
    DonationRecord,
    Donations,
    HandoutRecord,
    ItemRecord,
    NewHandout,
)
from coopledger.services.ports.funds import Fund, FundStore
from coopledger.services.ports.idempotency import IdempotencyStore
from coopledger.services.ports.imports import ImportKeys
from coopledger.services.ports.members import Member, MemberStore
from coopledger.services.ports.orgs import Org, OrgStore
from coopledger.services.ports.regions import (
    AssetTotal,
    DividendTotal,
    FundTotal,
    IssuedDisclosure,
    PostedLine,
    RegionNode,
    Regions,
)
from coopledger.services.ports.registers import (
    AssetRecord,
    Charge,
    FundFigures,
    FundLine,
    HolderRow,
    Registers,
    ShareEvent,
)
from coopledger.services.ports.reports import ReportStore
from coopledger.services.ports.uow import ClientInfo, ImportUnitOfWork, Store, UnitOfWork
from coopledger.services.ports.users import PasswordHasher, TokenInfo, User, UserStore
from coopledger.services.ports.vouchers import (
    PeriodState,
    PeriodStore,
    PostingStamp,
    VoucherFilter,
    VoucherStore,
)

__all__ = [
    "AccountStore",
    "AssetRecord",
    "AssetTotal",
    "AuditLog",
    "AuditQuery",
    "AuditStore",
    "BankStatements",
    "Charge",
    "ClientInfo",
    "Clock",
    "Distributions",
    "DividendTotal",
    "DonationRecord",
    "Donations",
    "Fund",
    "FundFigures",
    "FundLine",
    "FundStore",
    "FundTotal",
    "HandoutRecord",
    "HolderRow",
    "IdempotencyStore",
    "ImportKeys",
    "ImportUnitOfWork",
    "IssuedDisclosure",
    "IssuedStatement",
    "ItemRecord",
    "LineFact",
    "Member",
    "MemberStore",
    "NewHandout",
    "Org",
    "OrgStore",
    "PaidSoFar",
    "PasswordHasher",
    "PeriodState",
    "PeriodStore",
    "PlanLineRecord",
    "PlanRecord",
    "PostedLine",
    "PostingStamp",
    "RegionNode",
    "Regions",
    "Registers",
    "ReportStore",
    "ShareEvent",
    "StatementRecord",
    "Store",
    "StoredLine",
    "TokenInfo",
    "UnitOfWork",
    "User",
    "UserStore",
    "VoucherFact",
    "VoucherFilter",
    "VoucherStore",
]
