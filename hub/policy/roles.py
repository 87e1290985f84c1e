"""Who is asking: signed in at all, site staff, admin. Every other rule starts here."""
from __future__ import annotations

STAFF_ROLES = ("facilitator", "admin")


def signed_in(user) -> bool:
    """Anonymous visitors and deactivated accounts hold no rights at all."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_staff(user) -> bool:
    return signed_in(user) and user.site_role in STAFF_ROLES


def is_admin(user) -> bool:
    return signed_in(user) and user.site_role == "admin"
