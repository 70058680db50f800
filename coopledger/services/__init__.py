"""Use cases. Each public function is one transaction: ``with uow:`` … ``uow.commit()``.

Services take primitive values, domain values and a :class:`~coopledger.services.ports.UnitOfWork`;
they import the domain and their own ports, never Flask, SQLAlchemy or an adapter.
"""
