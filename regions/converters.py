class RegionCodeConverter:
    """A dotted Kemendagri code: 34, 34.02, 34.02.01 or 34.02.01.2001."""

    regex = r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
