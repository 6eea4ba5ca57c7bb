"""Estimates beyond counting: multiple systems estimation of the victims no agency found."""
