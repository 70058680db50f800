"""Adapters: the database, password hashing, and (later) PDF rendering."""
