"""The HTTP API: one blueprint per resource, marshmallow at the edge."""
