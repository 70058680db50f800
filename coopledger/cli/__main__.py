"""``python -m coopledger.cli``: the ``coopledger`` command."""

from coopledger.cli.main import main

main()
