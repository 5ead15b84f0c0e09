"""Operators' scripts: the benchmark and the load test."""
