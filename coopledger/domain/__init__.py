"""The pure core: money, charts, vouchers, periods, members, reports. Standard library only."""
