"""Benchmarks and conformance harnesses run against a11y-audit (not shipped with the package)."""
