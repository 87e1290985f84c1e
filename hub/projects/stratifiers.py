"""Stratifiers and their categories. REAL (race, ethnicity, preferred language) and SOGI
(sexual orientation, gender identity) come with the hub, with the categories the collaborative
reports by; a project may add its own (payer, age band). Every stratifier has an "Unknown" (or
declined) category, so its strata add up to the whole population: the completeness of a
stratifier is the share of records outside it."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

UNKNOWN = "Unknown"


@dataclass(frozen=True)
class Stratifier:
    key: str
    label: object  # a lazy string
    categories: tuple[str, ...]
    group: str = ""  # REAL, SOGI or "" for a project's own


BUILT_IN = (
    Stratifier("race", _l("Race"), ("American Indian or Alaska Native", "Asian", "Black or African American",
                                    "Native Hawaiian or Pacific Islander", "White", "Multiracial", "Other race",
                                    UNKNOWN), "REAL"),
    Stratifier("ethnicity", _l("Ethnicity"), ("Hispanic or Latino", "Not Hispanic or Latino", UNKNOWN), "REAL"),
    Stratifier("language", _l("Preferred language"), ("English", "Spanish", "Chinese", "Vietnamese", "Arabic",
                                                      "Other language", UNKNOWN), "REAL"),
    Stratifier("sexual_orientation", _l("Sexual orientation"), ("Straight or heterosexual", "Lesbian or gay",
                                                                "Bisexual", "Queer, pansexual or questioning",
                                                                "Something else", UNKNOWN), "SOGI"),
    Stratifier("gender_identity", _l("Gender identity"), ("Woman", "Man", "Transgender woman", "Transgender man",
                                                          "Non-binary or genderqueer", "Another gender", UNKNOWN),
               "SOGI"),
)
BY_KEY = {s.key: s for s in BUILT_IN}


def custom(key: str, label: str, categories: list[str]) -> Stratifier:
    cats = tuple(dict.fromkeys(c.strip() for c in categories if c.strip()))
    if UNKNOWN not in cats:
        cats += (UNKNOWN,)
    return Stratifier(key, label, cats)


def stratum_key(parts: dict[str, str] | None) -> str:
    """{"race": "Black", "language": "Spanish"} -> "language=Spanish|race=Black"; None or {} -> ""."""
    if not parts:
        return ""
    return "|".join(f"{k}={parts[k]}" for k in sorted(parts))


def stratum_parts(key: str) -> dict[str, str]:
    if not key:
        return {}
    return dict(part.split("=", 1) for part in key.split("|"))


def of_measure(measure) -> list[Stratifier]:
    """A measure's stratifiers in its order: built-in ones and the project's own."""
    own = {c["key"]: custom(c["key"], c["label"], c["categories"]) for c in measure.custom_stratifiers or []}
    return [BY_KEY.get(k) or own[k] for k in measure.stratifiers or [] if k in BY_KEY or k in own]
