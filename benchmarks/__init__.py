"""Benchmarks: scripts that print figures (never timed tests). Run all: ``python -m benchmarks``."""
