"""newswatch: a streaming news-monitoring worker.

Importing this package has no side effects: no engine, no Celery app, no environment reads.
"""

__version__ = "0.1.0"
