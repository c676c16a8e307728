"""Roll-up work done by the worker (`runjobs`) rather than inside a request."""

from __future__ import annotations

from django_tasks import task

from analytics.rollups import rebuild_indicators


@task()
def rebuild_indicator_rollups(codes: list[str]) -> int:
    """Rebuild the roll-ups of these indicators (after the admin changed them); the number
    of roll-up rows corrected, 0 when no values exist yet."""
    report = rebuild_indicators(codes)
    return 0 if report is None else report.total_corrected
