"""SQLAlchemy 2 tables, engine set-up, repositories and the unit of work."""
