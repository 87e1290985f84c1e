"""The document's library: resources, their files, versions, reviews, adoptions, collections."""
from __future__ import annotations

from hub.api.spec.types import (ANY_PAGE, BOOL, DATE, ID, INT, NULL_ID, NULL_INT, NULL_STR, STR, STRS, TEXT,
                                list_of, obj, one_of, query, ref)
from hub.library.models import EVIDENCE_LEVELS, KINDS, LIBRARIES
from hub.library.queries import FILTERS, SORTS

_DECISION = one_of("approve", "request_changes", "decline")
SCHEMAS = {
    "Resource": obj(id=INT, space_id=INT, library=STR, kind=STR, status=STR, title=STR, summary=STR,
                    tags=STRS, component_ids=list_of(INT), population=STR, setting=STR, languages=STRS,
                    evidence_level=STR, url=STR, author=obj(id=INT, name=STR), featured=BOOL, hidden=BOOL,
                    version=INT, created_at=STR, updated_at=STR, published_at=NULL_STR, tried=INT, helpful=INT,
                    body={"type": "string", "description": "Only on a single resource"}, body_html=STR,
                    adapted_from_id=NULL_INT, adaptation_ids=list_of(INT),
                    files={"type": "array"}, voted=BOOL, thread_id=NULL_INT, review_note=STR,
                    pending_edit={"oneOf": [ref("ResourceEdit"), {"type": "null"}],
                                  "description": "Only on a single resource, for its editor and the space's "
                                                 "moderators: an edit held for review"},
                    review={**one_of("submission", "edit"), "description": "Review queue only"},
                    edit_id={"type": "integer", "description": "Review queue only, for an edit"}),
    "ResourceEdit": obj(id=INT, status=one_of("submitted", "changes_requested", "declined"),
                        editor=obj(id=INT, name=STR), based_on_version=INT, title=STR, summary=STR, body=STR,
                        kind=STR, library=STR, url=STR, tags=STRS, component_ids=list_of(INT), population=STR,
                        setting=STR, languages=STR, evidence_level=STR, review_note=STR, created_at=STR,
                        updated_at=STR, diff={"type": "array", "description": "Lines against the text the library "
                                                                              "shows now"},
                        changed_fields=STRS, files={"type": "array"}, removed_file_ids=list_of(INT)),
    "ResourceWrite": obj(title=TEXT, summary=TEXT, body=STR, kind=one_of(*KINDS), library=one_of(*LIBRARIES),
                         url=STR, tags=STRS, component_ids=list_of(ID), population=STR, setting=STR, languages=STR,
                         evidence_level=one_of(*EVIDENCE_LEVELS), adapted_from_id=NULL_ID, space_id=ID,
                         hidden=BOOL, featured=BOOL,
                         action={**one_of("draft", "submit", "publish"), "description": "\"draft\" keeps it a draft; "
                                "\"submit\" and \"publish\" send it on (moderators publish, others submit)"}),
    "ResourceFile": obj(id=INT, resource_id=INT, filename=STR, content_type=STR, type=STR, size=INT, sha256=STR,
                        is_image=BOOL, replaces_id=NULL_INT, current=BOOL,
                        edit_id={"type": ["integer", "null"], "description": "Set while the file belongs to an edit"},
                        created_at=STR, url=STR),
    "Adoption": obj(id=INT, resource_id=INT, team=obj(id=INT, name=STR), tried_on=STR, setting=STR,
                    what_changed=STR, result=STR, adapted_url=STR, shared=BOOL, created_at=STR),
    "Collection": obj(id=INT, space_id=INT, title=STR, description=STR, description_html=STR, featured=BOOL,
                      pinned=BOOL, resource_ids=list_of(INT)),
    "Component": obj(id=INT, name=STR, position=INT),
}
_CREATE = {**SCHEMAS["ResourceWrite"], "required": ["title", "summary"]}
UPLOAD = {"type": "object", "x-multipart": True, "required": ["file"],
          "properties": {"file": {"type": "string", "format": "binary"}, "replaces_id": ID}}
_REVIEW = obj("decision", decision=_DECISION, note={"type": "string", "description": "Required to request changes"})

ROUTES = [
    ("get", "/library/resources", "Published resources you may see, community-wide (?kind=, ?tag=, ?component=, "
     "?population=, ?setting=, ?language=, ?library=, ?sort=newest|tried|helpful)", None, ["Resource"], 200),
    ("get", "/spaces/{space_id}/resources", "A space's published resources (same filters)", None, ["Resource"], 200),
    ("post", "/spaces/{space_id}/resources", "Add a resource (JSON, or multipart with a file): moderators publish, "
     "others submit for review", _CREATE, "Resource", 201),
    ("get", "/resources/{resource_id}", "One resource", None, "Resource", 200),
    ("patch", "/resources/{resource_id}", "Edit (keeps the previous version); moderators: hidden, featured; "
     "space_id moves it. An edit to a published resource by someone who may not curate it is held for review: "
     "202, the resource unchanged, the edit in pending_edit", "ResourceWrite", "Resource", 200),
    ("delete", "/resources/{resource_id}", "Delete a resource", None, None, 204),
    ("post", "/resources/{resource_id}/submit", "Submit a draft for review (optionally into space_id)",
     obj(space_id=ID), "Resource", 200),
    ("post", "/resources/{resource_id}/review", "Review: approve, request_changes (note required) or decline",
     _REVIEW, "Resource", 200),
    ("post", "/resources/{resource_id}/edit-review", "Review the edit held on a published resource: approve, "
     "request_changes (note required) or decline", _REVIEW, "Resource", 200),
    ("get", "/spaces/{space_id}/review-queue", "Submissions and edits waiting for review (the space's moderators)",
     None, ["Resource"], 200),
    ("get", "/resources/{resource_id}/files", "Every file, earlier versions included", None, ["ResourceFile"], 200),
    ("post", "/resources/{resource_id}/files", "Upload a file, or replace one with replaces_id", UPLOAD,
     "ResourceFile", 201),
    ("get", "/files/{file_id}", "The file's bytes (attachment unless a raster image)", None, None, 200),
    ("delete", "/files/{file_id}", "Remove a current file (kept in the history); ?erase=1: moderators erase an "
     "earlier file to free the space's quota", None, None, 204),
    ("get", "/resources/{resource_id}/versions", "Every version of the text with diffs", None, ANY_PAGE, 200),
    ("get", "/resources/{resource_id}/votes", "Who found it helpful (people you may see)", None,
     obj(items={"type": "array"}, next=NULL_STR, mine=BOOL), 200),
    ("post", "/resources/{resource_id}/votes", "Toggle your helpful vote", None, obj(on=BOOL), 200),
    ("get", "/resources/{resource_id}/adoptions", "\"We tried this\" records you may see", None, ["Adoption"], 200),
    ("post", "/resources/{resource_id}/adoptions", "Record that your team tried it",
     obj("team_id", "tried_on", "what_changed", team_id=ID, tried_on=DATE, setting=STR, what_changed=TEXT, result=STR,
         adapted_url=STR, shared=BOOL), "Adoption", 201),
    ("delete", "/adoptions/{adoption_id}", "Remove an adoption record", None, None, 204),
    ("post", "/resources/{resource_id}/discussion", "Open (or find) the resource's discussion thread", None,
     obj(thread_id=INT), 200),
    ("get", "/spaces/{space_id}/collections", "A space's collections", None, ["Collection"], 200),
    ("post", "/spaces/{space_id}/collections", "Create a collection (moderators)",
     obj("title", title=TEXT, description=STR, featured=BOOL), "Collection", 201),
    ("get", "/collections/{collection_id}", "A collection with the resources you may see, in order", None,
     "Collection", 200),
    ("patch", "/collections/{collection_id}", "Edit a collection; pinned puts a cohort's on its home",
     obj(title=TEXT, description=STR, featured=BOOL, pinned=BOOL), "Collection", 200),
    ("post", "/collections/{collection_id}/items", "Add a resource", obj("resource_id", resource_id=ID),
     "Collection", 201),
    ("post", "/collections/{collection_id}/items/{resource_id}/move", "Move an item up (-1) or down (1)",
     obj("offset", offset={"type": "integer", "enum": [-1, 1]}), "Collection", 200),
    ("delete", "/collections/{collection_id}/items/{resource_id}", "Remove an item", None, None, 204),
    ("get", "/library/components", "The equity framework's components", None, ["Component"], 200),
    ("post", "/library/components", "Add a component (facilitators)", obj("name", name=TEXT), "Component", 201),
    ("patch", "/library/components/{component_id}", "Rename a component (facilitators)", obj("name", name=TEXT),
     "Component", 200),
]

_FILTERS = query(*((name, STR) for name in FILTERS), ("sort", one_of(*SORTS)))
QUERY = {
    ("get", "/library/resources"): _FILTERS,
    ("get", "/spaces/{space_id}/resources"): _FILTERS,
    ("delete", "/files/{file_id}"): query(("erase", one_of("1"))),
}
