"""Subsidy policies as data: the shipped rules, their thresholds and caps, and the files a
county writes that are refused at load with the line named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coopledger.domain.errors import ValidationFailed
from coopledger.domain.subsidies import (
    Household,
    PostedLine,
    compute,
    load_policies,
    parse_policy,
)

POLICIES = load_policies()
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def households(n: int, status: str = "exited", start: int = 1) -> list[Household]:
    return [
        Household(i, f"{i:03d}", f"户{i}", "household", status) for i in range(start, start + n)
    ]


def fees(
    members: list[Household], fen: int, account: str = "11401", name: str = "加工费"
) -> list[PostedLine]:
    return [
        PostedLine(m.member_id, f"记-2026-03-{m.member_id:04d}", "C", fen, account, name)
        for m in members
    ]


def test_the_three_rules_ship_as_policies() -> None:
    assert set(POLICIES) == {
        "city-processing-income",
        "processing-employer",
        "tourism-toilet-kitchen",
    }
    city = POLICIES["city-processing-income"]
    assert city.rate_text == "8%" and city.cap_household_fen == 1_000_000


def test_a_household_is_paid_8_percent_and_at_most_10000_yuan() -> None:
    city = POLICIES["city-processing-income"]
    poor, rich = households(2), households(1, "none", start=3)
    lines = [
        PostedLine(1, "记-2026-03-0001", "C", 50_000_00, "11401", "加工费"),  # 4,000.00
        PostedLine(2, "记-2026-03-0002", "C", 200_000_00, "11401", "加工费"),  # 16,000 → cap
        PostedLine(2, "记-2026-04-0003", "D", 90_000_00, "11401", "加工费"),  # paid: no base
        PostedLine(3, "记-2026-03-0004", "C", 50_000_00, "11401", "加工费"),  # 一般户
        PostedLine(1, "记-2026-03-0005", "C", 10_000_00, "11402", "蒜薹款"),  # not processing
    ]
    result = compute(city, "合作社", YEAR, [*poor, *rich], lines)
    assert [(e.member_no, e.base_fen, e.amount_fen) for e in result.lines] == [
        ("001", 50_000_00, 4_000_00),
        ("002", 200_000_00, 10_000_00),
    ]
    assert result.lines[1].evidence == ("记-2026-03-0002", "记-2026-04-0003")


def test_an_employer_of_20_poor_households_gets_nothing_and_of_21_gets_its_subsidy() -> None:
    employer = POLICIES["processing-employer"]
    twenty = households(20)
    result = compute(employer, "合作社", YEAR, twenty, fees(twenty, 5_000_00))
    assert not result.qualifies and result.lines == () and result.households == 20
    twenty_one = households(21)
    result = compute(employer, "合作社", YEAR, twenty_one, fees(twenty_one, 5_000_00))
    assert result.qualifies and len(result.lines) == 1
    line = result.lines[0]
    assert (line.member_no, line.households, line.base_fen) == (None, 21, 105_000_00)
    assert line.amount_fen == 10_500_00  # 10 % of what it paid
    many = households(30)
    capped = compute(employer, "合作社", YEAR, many, fees(many, 100_000_00))
    assert capped.total_fen == 20_000_00  # at most 20,000 yuan


def test_a_general_household_does_not_count_towards_the_21() -> None:
    employer = POLICIES["processing-employer"]
    members = [*households(20), *households(1, "none", start=21)]
    assert not compute(employer, "x", YEAR, members, fees(members, 100_00)).qualifies


def test_tourism_village_of_5_gets_nothing_and_of_6_gets_16000_a_household() -> None:
    tourism = POLICIES["tourism-toilet-kitchen"]
    five = households(5, "none")
    lines = fees(five, 300_00, "11303", "内部往来—乡村旅游")
    assert compute(tourism, "村", YEAR, five, lines).lines == ()
    six = households(6, "none")
    result = compute(tourism, "村", YEAR, six, fees(six, 300_00, "11303", "乡村旅游农家乐"))
    assert [e.amount_fen for e in result.lines] == [16_000_00] * 6


def write(tmp_path: Path, text: str, name: str = "county-rule.toml") -> Path:
    folder = tmp_path / "policies"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, "utf-8")
    return folder


GOOD = """\
name = "县级加工补贴"
recipient = "household"
statuses = ["exited"]
base = "lines"
accounts = ["114"]
rate = "5%"
"""


def test_a_county_adds_its_own_policy_without_code(tmp_path: Path) -> None:
    loaded = load_policies(write(tmp_path, GOOD + 'cap_household = "500.00"\n'))
    assert loaded["county-rule"].cap_household_fen == 500_00
    assert "city-processing-income" in loaded


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ('colour = "red"\n', 7, "colour: unknown field"),
        ('cap_household = "-1.00"\n', 7, "cap_household: must not be below zero"),
        ("cap_organization = -5\n", 7, "cap_organization: must not be below zero"),
    ],
)
def test_a_bad_county_file_is_refused_with_its_line(
    tmp_path: Path, extra: str, line: int, words: str
) -> None:
    folder = write(tmp_path, GOOD + extra)
    with pytest.raises(ValidationFailed) as refused:
        load_policies(folder)
    assert refused.value.code == "policy_invalid"
    assert f"county-rule.toml:{line}: {words}" in refused.value.message


def test_an_unknown_status_is_refused_on_its_line() -> None:
    text = GOOD.replace('["exited"]', '["exited", "rich"]')
    with pytest.raises(ValidationFailed) as refused:
        parse_policy(text, "x", "x.toml")
    assert refused.value.message.startswith("x.toml:3: statuses: unknown status 'rich'")


def test_a_file_toml_cannot_read_names_its_line() -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_policy(GOOD + "rate = \n", "x", "x.toml")
    assert refused.value.message.startswith("x.toml:7:")


def test_a_rate_is_exact_and_a_float_never_enters() -> None:
    policy = parse_policy(GOOD.replace('"5%"', "0.07"), "x", "x.toml")
    lines = fees(households(1), 333)
    assert compute(policy, "x", YEAR, households(1), lines).total_fen == 23  # 23.31 → 23
