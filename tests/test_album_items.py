"""The library reads only the ImageIds of its photos' faces when it checks that an image item
is its photo's (``Records.batch_photo_image_ids``): the same answer as reading the photos whole,
for photos with faces, without, and photos not there -- on the real photos of the album."""

from __future__ import annotations

from test_people import album, template  # noqa: F401 - the labelled album's fixtures

from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.functions.search import album_image_items
from finpics_desktop.ports import Records


class WholeItems:
    """The library's tables, but reading the photos whole (as the cloud's do)."""

    def __init__(self, tables):
        self._tables = tables

    def __getattr__(self, name):
        if name == "batch_photo_image_ids":
            raise AttributeError(name)
        return getattr(self._tables, name)


def test_photos_image_ids_read_alone_are_those_of_the_whole_photos(album):  # noqa: F811
    backend, *_ = album
    tables = backend.tables
    keys = [(e["sortkey"], i["sortkey"]) for e in tables.query_pics(PICSET_ROOT)
            for i in tables.query_pics(e["sortkey"])]
    keys += [("nowhere", "missing.jpg"), keys[0]]  # not there; asked twice
    fast, whole = {}, {}
    for start in range(0, len(keys), 100):  # BatchGetItem's limit, for the whole items
        fast.update(Records(tables).batch_photo_image_ids(keys[start:start + 100])[0])
        whole.update(Records(WholeItems(tables)).batch_photo_image_ids(
            keys[start:start + 100])[0])
    with_faces = {k: ids for k, ids in whole.items() if ids}
    assert fast == with_faces and len(with_faces) > 50
    image_ids = sorted({i.image_id for i in Records(tables).images()})
    assert album_image_items(tables, image_ids) == album_image_items(WholeItems(tables),
                                                                     image_ids)
