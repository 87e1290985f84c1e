"""The network pages' loaders (beside hub.projects.blueprint's): load, then ask the policy, so a
cohort, set or item the person may not see answers as missing."""
from __future__ import annotations

from flask_login import current_user

from hub import policy
from hub.extensions import db
from hub.people.models import Cohort
from hub.projects.measure_sets import measure_set_of
from hub.projects.models import MeasureSet, MeasureSetItem


def get_measure_set(cohort_id: int, action: str = "measure_set.view") -> MeasureSet:
    measure_set = measure_set_of(db.session.get(Cohort, cohort_id))
    policy.require(current_user, "measure_set.view", measure_set)
    policy.require(current_user, action, measure_set)
    return measure_set


def get_item(item_id: int, action: str = "measure_set_item.view", cohort_id: int | None = None) -> MeasureSetItem:
    """The item; with `cohort_id`, only when it is that cohort's (else it answers as missing)."""
    item = db.session.get(MeasureSetItem, item_id)
    if item is not None and cohort_id is not None and item.measure_set.cohort_id != cohort_id:
        item = None
    policy.require(current_user, "measure_set_item.view", item)
    policy.require(current_user, action, item)
    return item
