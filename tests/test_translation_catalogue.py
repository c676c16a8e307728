"""The compiled English catalogue says what its source says.

Merging branches touches locale/en/LC_MESSAGES/django.po often; a .mo compiled from an older
.po silently shows Indonesian to an English reader. This reads the .po (every translated,
non-fuzzy entry) and asks the compiled .mo for each.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"


def _entries(po: str) -> dict[str, str]:
    """msgid → msgstr of the translated, non-fuzzy singular entries of a .po file."""
    entries: dict[str, str] = {}
    for block in po.split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        if any(line.startswith(("msgid_plural", "msgctxt")) for line in lines):
            continue
        parts: dict[str, list[str]] = {}
        current = ""
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith(("msgid ", "msgstr ")):
                current, _, line = line.partition(" ")
            parts.setdefault(current, []).append(ast.literal_eval(line))
        msgid = "".join(parts.get("msgid", []))
        msgstr = "".join(parts.get("msgstr", []))
        if msgid and msgstr:
            entries[msgid] = msgstr
    return entries


def test_every_translated_entry_of_the_po_file_is_in_the_compiled_catalogue() -> None:
    entries = _entries((LOCALE / "django.po").read_text(encoding="utf-8"))
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert len(entries) > 500
    stale = [msgid for msgid, msgstr in entries.items() if catalogue.gettext(msgid) != msgstr]
    assert stale == [], f"{len(stale)} entries not compiled; run msgfmt or compilemessages"
