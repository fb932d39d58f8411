"""Precision/recall harness behind `newswatch eval profiles|dedupe|claims`.

Each module here reads a labelled set under tests/eval/, runs the real library code on it,
and returns an EvalReport; the CLI only prints it.
"""
