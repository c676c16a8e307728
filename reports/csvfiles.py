"""One table of the kecamatan report as CSV (RFC 4180 via the csv module, UTF-8 with BOM so
Excel opens it with the right characters); text cells neutralised like the audit export."""

from __future__ import annotations

import csv
import io
from typing import Any

from accounts.audit import csv_safe
from reports.tables import Table


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    return csv_safe(value)


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(h) for h in table.header])
    for row in table.rows:
        writer.writerow([_value(v) for v in row])
    return "\ufeff" + buffer.getvalue()
