"""Ingestion: one area of the code location (assets and their checks)."""
