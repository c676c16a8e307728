"""Status against target at and around every boundary (rules in analytics/status.py)."""

from __future__ import annotations

import pytest

from analytics.status import NO_TARGET, Status, status_of

A, T, P = Status.ACHIEVED, Status.ON_TRACK, Status.NEEDS_ACCELERATION


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, A),
        (100.04, A),
        (99.96, A),  # shown as 100.0 with one decimal
        (99.94, T),
        (90, T),  # target − band belongs to "on track"
        (89.96, T),
        (89.94, P),
        (0, P),
    ],
)
def test_higher_is_better_boundaries(value, expected):
    status, reason = status_of(value, target=100, higher_is_better=True, band=10, decimals=1)
    assert (status, reason) == (expected, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, A), (14, A), (14.04, A), (14.06, T), (19, T), (19.04, T), (19.06, P), (60, P)],
)
def test_lower_is_better_boundaries(value, expected):
    assert status_of(value, target=14, higher_is_better=False, band=5, decimals=1)[0] == expected


def test_a_score_band_is_compared_at_the_scores_precision():
    assert status_of(0.6072, target=0.7072, higher_is_better=True, band=0.1, decimals=4)[0] == T
    assert status_of(0.6071, target=0.7072, higher_is_better=True, band=0.1, decimals=4)[0] == P


def test_no_value_is_no_data_even_without_a_target():
    assert status_of(None, target=None, higher_is_better=True, band=10, decimals=1) == (
        Status.NO_DATA,
        None,
    )


def test_no_target_gives_no_status_and_a_reason():
    assert status_of(50, target=None, higher_is_better=True, band=10, decimals=1) == (
        None,
        NO_TARGET,
    )
