"""Generated English forum text for the search benchmark, and queries over it.

Not random tokens: content words come from a fixed vocabulary (health-equity work and everyday
English) with Zipf-distributed frequencies, and function words appear at roughly their share of
English prose (about four words in ten), so stop-word handling, posting-list lengths and phrase
positions look like a real forum's.
"""
from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

# The commonest English function words, weighted by their approximate frequency per 1,000 words
# of prose (the Brown-corpus ordering, rounded).
FUNCTION_WORDS = {
    "the": 69, "of": 36, "and": 29, "to": 26, "a": 23, "in": 21, "that": 10, "is": 10, "was": 9, "it": 9,
    "for": 9, "on": 7, "with": 7, "as": 7, "we": 6, "be": 6, "at": 5, "by": 5, "this": 5, "have": 5,
    "from": 4, "or": 4, "our": 4, "are": 4, "not": 4, "but": 4, "they": 3, "were": 3, "which": 3, "you": 3,
    "their": 3, "an": 3, "has": 3, "all": 3, "been": 2, "if": 2, "more": 2, "when": 2, "will": 2, "there": 2,
    "so": 2, "can": 2, "what": 2, "about": 2, "who": 2, "into": 2, "than": 1, "its": 1, "them": 1, "how": 1,
}

CONTENT_WORDS = """
patients team data equity health care clinic community measure race ethnicity language chart run
change idea pdsa cycle interpreter access screening diabetes hypertension blood pressure visit follow
outreach rate gap month week goal baseline median shift trend improvement project staff nurse doctor
coach facilitator learning session cohort network action partner family families caregiver trust
bias racism structural policy workflow template toolkit worksheet measure definition numerator
denominator stratify stratified stratifying disaggregate report dashboard ehr field blank unknown
missing complete completeness collection registration intake front desk scheduling appointment
reminder text message phone call portal app spanish english vietnamese somali arabic haitian creole
navajo tagalog bilingual translated translation plain reading literacy teach back education class
postpartum prenatal maternal birthing doula midwife lactation infant pediatric adolescent elder
medicare medicaid insurance uninsured cost transport transportation bus housing food pantry
insecurity income employment childcare neighborhood rural urban county zip code census tract
survey interview focus group feedback voice story stories experience lived advisory board council
leadership executive sponsor budget funding grant sustainability spread scale adopt adapt adapted
tested tried result results success win lesson lessons barrier barriers solution solutions plan
agenda huddle meeting notes minutes slides recording webinar training curriculum module practice
practices accountability affinity caucus safe space listening reflection healing harm repair
apology respect dignity culture cultural humility competence responsiveness black latinx latino
latina indigenous asian pacific islander white multiracial immigrant refugee disability deaf
blind wheelchair lgbtq transgender nonbinary youth older adults veterans faith church mosque
temple school teacher library pharmacy pharmacist medication adherence insulin a1c hba1c glucose
cholesterol weight nutrition exercise walking program referral referrals closed loop social needs
screen screened positive negative rates percent percentage monthly quarterly annual yearly daily
first second third next last new old small large early late better worse higher lower faster
slower simple clear useful helpful hard easy important shared common local regional national
question answer answered asked help thanks thank share shared sharing idea ideas tool tools
resource resources link links guide guidance example examples approach approaches method methods
analysis review reviewed dataset spreadsheet table graph graphs annotated annotation control limits
signal noise variation special cause common cause process outcome balancing measures target
""".split()

FIRST = ["Maria", "Aisha", "Kevin", "Rosa", "Jordan", "Tomasa", "Wei", "Amara", "Luis", "Hannah", "Darnell",
         "Mai", "Fatima", "Joseph", "Ana", "Samuel", "Keisha", "Nguyen", "Priya", "Carlos"]
LAST = ["Hernández", "Bello", "Tran", "Delgado", "Park", "Yazzie", "Chen", "Okafor", "García", "Cohen", "Jackson",
        "Nguyen", "Ali", "Begay", "Silva", "Kim", "Washington", "Patel", "Morales", "Johnson"]


class Corpus:
    def __init__(self, seed: int = 2026, zipf: float = 1.07):
        self.rng = random.Random(seed)
        self.words = list(dict.fromkeys(CONTENT_WORDS))
        self._content = list(accumulate(1 / (rank + 1) ** zipf for rank in range(len(self.words))))
        self.function_words = list(FUNCTION_WORDS)
        self._function = list(accumulate(FUNCTION_WORDS.values()))
        self.tags = ["data", "pdsa", "language-access", "maternal-health", "diabetes", "hypertension",
                     "screening", "real-data", "run-charts", "community"]

    def content_word(self) -> str:
        return self.words[bisect(self._content, self.rng.random() * self._content[-1])]

    def function_word(self) -> str:
        return self.function_words[bisect(self._function, self.rng.random() * self._function[-1])]

    def sentence(self, low: int = 8, high: int = 24) -> str:
        words = [self.function_word() if self.rng.random() < 0.42 else self.content_word()
                 for _ in range(self.rng.randint(low, high))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + self.rng.choice(".....?!")

    def title(self) -> str:
        words = [self.content_word() if self.rng.random() < 0.75 else self.function_word()
                 for _ in range(self.rng.randint(4, 9))]
        return " ".join(words).capitalize()

    def post(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 6)))

    def name(self, i: int) -> str:
        return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"


def make_queries(corpus: Corpus, n: int, slugs: dict, rng: random.Random) -> list[tuple[str, str, str, list]]:
    """(hub query, FTS5 MATCH, extra SQL condition, its parameters): the same question to both."""
    def word() -> str:  # what people type: mostly common content words, sometimes a rarer one
        return corpus.words[min(len(corpus.words) - 1, int(rng.paretovariate(0.9)) - 1 + rng.randint(0, 40))]

    out = []
    for i in range(n):
        roll = i % 20
        if roll < 7:
            w = word()
            out.append((w, w, "", []))
        elif roll < 12:
            ws = [word() for _ in range(rng.choice((2, 3)))]
            out.append((" ".join(ws), " ".join(ws), "", []))
        elif roll < 15:
            start = rng.randrange(len(corpus.words) - 1)
            ws = [corpus.words[start], corpus.words[start + 1]] if rng.random() < 0.5 else [word(), word()]
            phrase = " ".join(ws)
            out.append((f'"{phrase}"', f'"{phrase}"', "", []))
        elif roll == 15:
            a, b = word(), word()
            out.append((f"{a} OR {b}", f"{a} OR {b}", "", []))
        elif roll == 16:
            a, b = word(), word()
            out.append((f"{a} -{b}", f"{a} NOT {b}", "", []))
        elif roll == 17:
            w = word()[:4]
            out.append((f"{w}*", f"{w}*", "", []))
        elif roll == 18:
            w = word()
            out.append((f"{w} type:thread", w, " AND kind = ?", ["thread"]))
        else:
            space_id, slug = rng.choice(sorted(slugs.items()))
            w = word()
            out.append((f"{w} in:{slug}", w, " AND space = ?", [space_id]))
    return out
