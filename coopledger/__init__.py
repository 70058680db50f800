"""coopledger: the double-entry books of rural cooperatives and village collectives.

Layers, arrows pointing inward: ``cli`` → ``web`` → ``adapters`` → ``services`` → ``domain``.
This module imports nothing, so ``coopledger.domain`` never pulls in Flask or SQLAlchemy.
"""

__version__ = "0.1.0"
