"""The Flask application: the HTTP API under /api/v1 (and, as the product grows, the web pages)."""
