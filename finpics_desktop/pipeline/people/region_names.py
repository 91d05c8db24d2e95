"""Named regions and the people they are named for: naming a region, keeping a box with no face
as a region, putting a removed region back (:mod:`.regions` keeps the regions themselves, below
:mod:`.naming`, which counts them among a person's photos)."""

from __future__ import annotations

from dataclasses import replace

from finpics_desktop.domain.people import Person
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.records import PERSON
from finpics_desktop.pipeline.people.regions import (
    Region,
    add_region,
    give_region,
    put_back_region,
)


def name_region(people: People, region_id: str, name: str) -> tuple[Region, Region]:
    """Name the region for ``name`` (a new person if nobody has that name): (before, after)."""
    person, _ = people._person_for(name)
    before = give_region(people.backend, region_id, person)
    return before, replace(before, person=person.id, name=person.name)


def keep_region(people: People, picset: str, photo: str, box: dict, name: str) -> Region:
    """A box with no face the index can find, kept as a region named ``name``."""
    person, _ = people._person_for(name)
    return add_region(people.backend, picset, photo, box, person)


def put_back(people: People, region: Region) -> Region:
    """A region removed, back: for its person, or (gone since) for one of its name."""
    doc = people.private.get(PERSON, region.person)
    person = (Person(region.person, doc.doc["name"]) if doc is not None
              else people._person_for(region.name)[0])
    return put_back_region(people.backend, region, person)
