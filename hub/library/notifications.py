"""What library notes are about, registered with notify.subjects: a resource, and a proposed edit
("please review this edit" lasts while the edit waits). Both follow the resource's space now."""
from __future__ import annotations

from hub.library.models import Resource, ResourceEdit
from hub.notify import subjects

subjects.register(subjects.Subject("resource", Resource, space_of=lambda r: r.space))
subjects.register(subjects.Subject("resource_edit", ResourceEdit, space_of=lambda e: e.resource.space))
