"""Persistence: models, the engine and session scope, and repo functions."""
