"""A person's page as plain entries (no display): where the review goes on after an answer,
headings that count what is left, and the search by name with accents aside."""

from __future__ import annotations

from finpics_desktop.app.entries import FACE, HEADING, PHOTO, Entry, heading_entry
from finpics_desktop.app.window.people_places import (
    CONFIRMED,
    MAYBE_SECTION,
    SUGGESTED,
    TITLE,
    filter_by_name,
    first_to_review,
    next_to_review,
    without_faces,
)
from finpics_desktop.domain.people import search_key


def page(sure: int, maybe: int) -> list[Entry]:
    entries = [heading_entry("Ann — 1 photo, 1 face", 1, TITLE),
               heading_entry("Confirmed — 1 photo", 2, CONFIRMED),
               Entry(PHOTO, "a.jpg", picset="p", name="a.jpg", section=CONFIRMED)]
    for section, count in ((SUGGESTED, sure), (MAYBE_SECTION, maybe)):
        if count:
            entries.append(heading_entry(f"{section} {count}", 2, section))
            entries += [Entry(FACE, f"{section}{n}", face_id=f"{section}{n}", person="Ann",
                              sure=section == SUGGESTED, section=section)
                        for n in range(count)]
    return entries


def ids(entries: list[Entry]) -> list[str]:
    return [e.face_id for e in entries if e.kind == FACE]


def test_the_review_starts_on_the_first_suggestion_and_goes_on_with_the_next():
    entries = page(2, 2)
    assert entries[first_to_review(entries)].face_id == "suggested0"
    assert first_to_review(page(0, 0)) == 2  # no suggestion: the first photo
    assert first_to_review([heading_entry("x", 1, TITLE)]) == -1
    key = {e.key: e.face_id for e in entries}
    assert key[next_to_review(entries, {"suggested0"})] == "suggested1"
    assert key[next_to_review(entries, {"suggested1"})] == "maybe0"  # across the heading
    assert key[next_to_review(entries, {"maybe1"})] == "maybe0"  # the last: the one before
    assert key[next_to_review(entries, {"suggested0", "suggested1"})] == "maybe0"
    assert next_to_review(page(1, 0), {"suggested0"}) is None


def test_headings_count_what_is_left_and_an_empty_section_loses_its_heading():
    left = without_faces(page(1, 2), {"suggested0", "maybe0"})
    assert [(e.kind, e.section) for e in left if e.kind == HEADING] == [
        (HEADING, TITLE), (HEADING, CONFIRMED), (HEADING, MAYBE_SECTION)]
    assert ids(left) == ["maybe1"]
    assert next(e for e in left if e.section == MAYBE_SECTION).title.startswith("Maybe — 1 face")
    assert [e.kind for e in without_faces(page(0, 0), {"x"})] == [HEADING, HEADING, PHOTO]


def test_the_search_by_name_sets_accents_and_case_aside():
    people = [Entry("person", n, person=n) for n in ("Zoë Smith", "Joe Biden", "ZOLTAN")]
    assert [e.person for e in filter_by_name(people, "zoe")] == ["Zoë Smith"]
    assert [e.person for e in filter_by_name(people, "ZO")] == ["Zoë Smith", "ZOLTAN"]
    assert [e.person for e in filter_by_name(people, "oe")] == ["Zoë Smith", "Joe Biden"]
    assert search_key("Zoe\u0308  SMITH") == search_key("zoë smith") == "zoe smith"
    assert filter_by_name(people, "  ") == people
