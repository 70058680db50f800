"""Benchmarks behind ``coopledger bench …`` and the peer check: figures printed, never asserted.

One module per benchmark (``ledger``, ``pages``, ``distribution``, ``registers``, ``regions``,
``statements``, ``transfer``, ``soak``, ``scale``) and ``peers``, the generated journal checked
against Beancount, hledger and ledger-cli; ``common`` holds the seeded generator and the books
they share, ``serving`` the server they measure.
"""
