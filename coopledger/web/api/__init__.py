"""The HTTP API (SPEC §3): one blueprint per resource, marshmallow at the edge."""
