"""Ingest: list the week's objects, fetch and parse them, attribute contacts to agents."""
