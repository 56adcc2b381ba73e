"""Load and fault runs against a real shop under gunicorn (make stress; a small run in make test)."""
