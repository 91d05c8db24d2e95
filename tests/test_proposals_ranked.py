"""A person's proposals made the quick way are the ones made the long way, on the real photos:
the candidates' searches united at their best by the local index (``similar_best``) are the
union of the searches' answers (``face_links``), each face at its best; the candidates ranked a
few at a time, only those asked whether they are named, are the best of every face found less
the named and rejected ones; and a person's page tells its title and photos before its
proposals are searched (the window starts on their thumbnails meanwhile)."""

from __future__ import annotations

import heapq

import pytest
from labelled_album import copy_library, labelled_library
from test_people import photos_of_faces, seed_of

from finpics_desktop.app.window import people_places
from finpics_desktop.pipeline.people import proposals, views_kept
from finpics_desktop.pipeline.people.ignored import ignored_ids
from finpics_desktop.pipeline.people.naming import People


@pytest.fixture(scope="module")
def template(tmp_path_factory, photos_dir, labels, engine):
    folder = tmp_path_factory.mktemp("proposals-ranked") / "library"
    return (folder, *labelled_library(folder, photos_dir, labels, engine))


@pytest.fixture
def album(template, tmp_path, engine):
    folder, where, who = template
    backend = copy_library(folder, tmp_path / "album", engine)
    people = People(backend)
    photo_of = photos_of_faces(backend)
    persons = sorted({p for p in who.values() if p})
    for person in persons:  # a face each, then a second one of some (seeds of their own)
        people.name_face(seed_of(who, where, photo_of, person), person)
    for person in persons[:3]:
        seed = seed_of(who, where, photo_of, person)
        other = next(f for f, p in sorted(who.items()) if p == person and f != seed
                     and photo_of[f] != photo_of[seed])
        people.name_face(other, person, same_photo=True)
    first = [f.face_id for f in people.faces_of(people.find(persons[0]))]
    alike = people.records.face_links_best(first, proposals.CANDIDATE_FROM, 4096)
    named = people.named_ids()
    people.reject(persons[0], [max((f for f in alike if f not in named), key=alike.get)])
    yield backend, people, persons
    backend.close()


def united_the_long_way(people: People, seeds: list[str], max_faces: int) -> dict[str, float]:
    best: dict[str, float] = {}
    for matches in people.records.face_links(seeds, proposals.CANDIDATE_FROM,
                                             max_faces).values():
        for face_id, similarity in matches.items():
            best[face_id] = max(similarity, best.get(face_id, 0.0))
    return best


def test_the_searches_united_at_their_best_are_the_searches_answers(album):
    backend, people, persons = album
    assert hasattr(backend.faces, "similar_best")  # (the local index unites them itself)
    named = sorted(people.named_ids())
    for seeds in ([named[0]], named[:3], named, named + ["not-a-face"]):
        for max_faces in (1, 3, 4096):  # (the cap: the best of each search before the union)
            found = people.records.face_links_best(seeds, proposals.CANDIDATE_FROM, max_faces)
            assert found == united_the_long_way(people, seeds, max_faces), (seeds, max_faces)
            assert found, seeds
    assert people.records.face_links_best([], proposals.CANDIDATE_FROM, 10) == {}


@pytest.mark.parametrize("most", [1, 2, 3, 400])
def test_the_candidates_ranked_a_few_at_a_time_are_the_best_of_all(album, monkeypatch, most):
    """As many as :data:`MAX_CANDIDATES` (small here: the walk goes on past the named ones,
    round after round), the same as ranking every face found less the named and rejected."""
    _, people, persons = album
    monkeypatch.setattr(proposals, "MAX_CANDIDATES", most)
    taken = set(people.named_ids())
    for person in persons:
        found = people.find(person)
        mine = [f.face_id for f in sorted(people.faces_of(found), key=lambda f: f.at)]
        alike = people.records.face_links_best(proposals._seeds(mine),
                                               proposals.CANDIDATE_FROM, 4096)
        rejected = people.rejected(found) | ignored_ids(people.private)
        left = {f: s for f, s in alike.items() if f not in taken and f not in rejected}
        expected = heapq.nsmallest(most, left, key=lambda f: (-left[f], f))
        ranked, looked = proposals._ranked(people, alike, None, rejected)
        assert ranked == expected, person
        # every named face given (the album cannot look some up): the same
        assert proposals._ranked(people, alike, people.named(), rejected) == (ranked, looked)
        # looked at: every face found that ranks before the last candidate, named or not
        order = sorted(alike, key=lambda f: (-alike[f], f))
        last = order.index(expected[-1]) if len(expected) == most else len(order) - 1
        assert set(order[:last + 1]) <= set(looked) <= set(order), person
        assert looked == order[:len(looked)]  # (a prefix: the most alike first)
        if person == persons[0]:
            assert rejected & set(alike)  # (a rejected face was among those found)


def test_a_persons_page_tells_its_photos_before_its_proposals_are_searched(album,
                                                                          monkeypatch):
    backend, _, persons = album
    happened: list[str] = []
    heads: list[list] = []
    suggest = proposals.suggest

    def searched(*args, **kwargs):
        happened.append("proposals searched")
        return suggest(*args, **kwargs)

    monkeypatch.setattr(proposals, "suggest", searched)

    def first_screen(head) -> None:
        happened.append("head told")
        heads.append(head)

    entries = shown(people_places.person_entries(backend, persons[0], first_screen))
    assert happened == ["head told", "proposals searched"]
    [head] = [shown(h) for h in heads]
    assert [e[0] for e in head[:2]] == [people_places.TITLE, people_places.CONFIRMED]
    assert len(head) > 2 and entries[:len(head)] == head  # the page begins with what was told
    assert any(e[0] in (people_places.SUGGESTED, people_places.MAYBE_SECTION)
               for e in entries[len(head):])  # (and its proposals follow)
    # the page kept: the same page, told nothing (nothing searched)
    assert shown(people_places.person_entries(backend, persons[0], first_screen)) == entries
    assert happened == ["head told", "proposals searched"]


def shown(entries) -> list[tuple]:
    """What a page shows of each entry."""
    return [(e.section, e.kind, e.title, e.face_id, e.picset, e.name, e.sure, e.similarity)
            for e in entries]


def test_a_page_kept_drops_the_stale_ones_reading_only_their_heads(album, monkeypatch):
    """Keeping a page drops the pages kept before a write since (their heads and every part),
    keeps those of now, and reads no part to find them (a page's parts are 1-2 MB at 100k)."""
    backend, people, persons = album
    rows = [[f"face-{n}"] for n in range(2 * views_kept.ROWS + 1)]  # (3 parts a page)
    marker = views_kept.count(backend)
    views_kept.save(backend, f"{views_kept.PAGE}old#one", marker, rows)
    people.name_face(sorted(people.named_ids())[0], "Someone Else")  # a write
    now = views_kept.count(backend)
    assert now != marker
    views_kept.save(backend, f"{views_kept.PAGE}same", now, rows)
    read: list[str] = []
    query = backend.private.query
    monkeypatch.setattr(backend.private, "query", lambda pk, prefix="": read.append(prefix)
                        or query(pk, prefix))
    views_kept.save(backend, f"{views_kept.PAGE}new", now, rows)
    assert read == []  # (only keys listed, and the heads read)
    kept = backend.private.keys(views_kept.VIEWS, views_kept.PAGE)
    assert not [k for k in kept if k.startswith(f"{views_kept.PAGE}old#one")]
    assert views_kept.load(backend, f"{views_kept.PAGE}same", now) == rows
    assert views_kept.load(backend, f"{views_kept.PAGE}new", now) == rows
    assert len(kept) == 2 * (1 + 3)
