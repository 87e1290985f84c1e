"""One way for services to say "this input is wrong, and here is what to fix, per field"."""
from __future__ import annotations


class ValidationError(Exception):
    def __init__(self, fields: dict[str, str], message: str | None = None):
        self.fields = dict(fields)
        self.message = message or next(iter(self.fields.values()), "Invalid input.")
        super().__init__(self.message)


def require_text(fields: dict[str, str], name: str, value: str | None, label: str, max_len: int,
                 required: bool = True) -> str:
    """Trim `value`; record a per-field message in `fields` when it is missing or too long."""
    from flask_babel import gettext as _

    value = (value or "").strip()
    if required and not value:
        fields[name] = _("%(label)s is required.", label=label)
    elif len(value) > max_len:
        fields[name] = _("%(label)s must be at most %(n)d characters.", label=label, n=max_len)
    return value
