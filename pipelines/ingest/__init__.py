"""Ingestion of agency files: raw (read) -> validated (checked, unified shape) -> unified."""
