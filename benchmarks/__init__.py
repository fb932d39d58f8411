"""Benchmarks of newswatch.

A regular package, so that `benchmarks.corpus` wins over a stray site-packages `benchmarks`.
"""
