"""Analyzers: every tool that looks at evidence, deterministic or AI, under one contract."""
