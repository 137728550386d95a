"""Shared infrastructure with no domain rules."""
