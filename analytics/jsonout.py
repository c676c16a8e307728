"""JSON of the API: a number that is not finite (NaN, ±infinity) is written as null.

Python's `json` writes them as `NaN` and `Infinity`, which are not JSON: a client's parser
fails on the whole answer. No stored value can be one (catalog.models.VALUE_CAPS), but a
figure is computed (a ratio, a change) and an old roll-up may be corrupt until
`rebuildrollups` repairs it, so the encoder refuses to write one whatever happens.
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite(data: Any) -> Any:
    """`data` with every non-finite float in it (at any depth) replaced by None."""
    if type(data) is float:
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite(value) for value in data]
    return data


def dumps(data: Any, cls: type[json.JSONEncoder] | None = None) -> str:
    """JSON text of `data`; never NaN or Infinity. (Written as it is first: the walk
    through `finite` is needed only when that refuses.)"""
    try:
        return json.dumps(data, cls=cls, allow_nan=False)
    except ValueError:
        return json.dumps(finite(data), cls=cls, allow_nan=False)
