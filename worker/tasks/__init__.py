"""Thin tasks: ids in, one service call, commit."""
