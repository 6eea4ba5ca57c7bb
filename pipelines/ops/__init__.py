"""Safe operation: one writer, a bound pseudonym key, atomic publication, readable status."""
