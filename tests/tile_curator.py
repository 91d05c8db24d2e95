"""The simulated curator of the window's *Unnamed faces* (for tests/test_people.py and
tests/benchmarks/bench_people.py), through the same app-layer calls as the window, counting
every decision as one action: a name typed on a group's tile, I on a tile, Y or N on a
proposal, a name typed on one face, I on one face. (Choosing tiles, opening one, scrolling:
not counted.)

1. The group tiles, the largest first, the place listed again after each action as the window
   does: a tile of one person is named from the tile (their name, completed if they have one:
   the group joins them); a tile of strangers is ignored; a mixed tile (never seen on the test
   photos) is opened and each person's faces in it named, the strangers ignored.
2. Each person named, in ``order``: their proposals answered -- the sure ones one by one, the
   unsure one at a time -- until none is left.
3. The faces that fit no group and were proposed for no one: a person's face named by hand
   (then their proposals answered), a stranger's ignored.
"""

from __future__ import annotations

from collections import Counter

from finpics_desktop.app import people
from finpics_desktop.app.entries import FACE, GROUP
from finpics_desktop.app.window.group_places import unnamed_entries


def _answer(backend, who: dict, person: str, actions: Counter) -> None:
    while True:
        found = people.suggest(backend, person)
        batch = found.sure or found.unsure[:1]  # the unsure ones one at a time
        if not batch:
            return
        for proposal in batch:
            right = who.get(proposal.face_id) == person
            actions[("confirm" if right else "reject")
                    + ("" if proposal.sure else " unsure")] += 1
            (people.confirm if right else people.reject)(backend, person, [proposal.face_id])


def _settle(backend, faces: list[str], label, actions: Counter, how: str) -> None:
    """One action on ``faces`` (all of one ``label``): named, or ignored (a stranger)."""
    if label is None:
        actions[f"ignore {how}"] += 1
        people.ignore(backend, faces)
    else:
        actions[f"name {how}"] += 1
        people.name_faces(backend, faces, label)


def curate(backend, who: dict, order: list[str]) -> Counter:
    """Name every labelled face and ignore every stranger (``who``: FaceId -> person, None for
    a stranger); the actions it took, by kind."""
    actions: Counter = Counter()
    done: set[str] = set()
    while True:  # 1. the tiles, the largest first
        tile = next((e for e in unnamed_entries(backend) if e.kind == GROUP
                     and not done.intersection(e.members)), None)
        if tile is None:
            break
        done.update(tile.members)
        labels = {who.get(f) for f in tile.members}
        if len(labels) == 1:
            _settle(backend, list(tile.members), labels.pop(), actions, "a tile")
            continue
        for label in sorted(labels, key=str):  # mixed: opened, person by person
            _settle(backend, [f for f in tile.members if who.get(f) == label], label, actions,
                    "faces of a tile opened")
    named = {p.person.name for p in people.list_people(backend)}
    for person in order:  # 2. the proposals
        if person in named:
            _answer(backend, who, person, actions)
    while True:  # 3. the faces that fit no group and nobody was proposed
        alone = next((e for e in unnamed_entries(backend) if e.kind == FACE), None)
        if alone is None:
            break
        label = who.get(alone.face_id)
        _settle(backend, [alone.face_id], label, actions, "a face alone")
        if label is not None:
            _answer(backend, who, label, actions)
    for person in order:  # later names may leave proposals for earlier ones
        _answer(backend, who, person, actions)
    return actions
