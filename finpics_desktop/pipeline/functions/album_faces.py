"""Where faces are in the album, read for thousands of photos at once (*Unnamed faces*, People):
each photo's path, its faces' boxes and sharpness -- no more of its items. A library answers
from SQLite's JSON functions (``SqliteTables.image_faces``: nothing decoded in Python); other
tables through :func:`~finpics_desktop.pipeline.functions.search.album_image_items`. As there,
only photos that are in the album count: the photo item at the image item's path is there and
lists that ImageId."""

from __future__ import annotations

from dataclasses import dataclass

from finpics_desktop.domain.boxes import Box
from finpics_desktop.pipeline.functions.search import album_image_items
from finpics_desktop.ports import Records, Tables


@dataclass(frozen=True)
class PhotoFaces:
    """A photo of the album: its path and its faces (``face id -> (box, sharpness)``), in the
    order of its item."""

    image_path: str
    faces: dict[str, tuple[Box, float | None]]

    @property
    def face_ids(self) -> tuple[str, ...]:
        return tuple(self.faces)


def album_faces(tables: Tables, image_ids: list[str]) -> dict[str, PhotoFaces]:
    """The photos of ``image_ids`` that are in the album, by ImageId (module docstring)."""
    image_faces = getattr(tables, "image_faces", None)
    if image_faces is None:
        found = {}
        for image_id, image in album_image_items(tables, image_ids).items():
            faces: dict[str, tuple[Box, float | None]] = {}
            for face in image.faces:
                faces.setdefault(face.face_id, (face.box, face.sharpness))
            found[image_id] = PhotoFaces(image.image_path, faces)
        return found
    rows = image_faces(image_ids)  # image_id -> (path, [(face, left, top, width, height, sharp)])
    where = {i: (path.partition("/")[0], path.partition("/")[2])
             for i, (path, _) in rows.items() if "/" in path}
    listed, _ = Records(tables).batch_photo_image_ids(sorted(set(where.values())))
    found = {}
    for image_id, key in where.items():
        if image_id not in listed.get(key, ()):
            continue
        path, faces = rows[image_id]
        mine: dict[str, tuple[Box, float | None]] = {}
        for face_id, left, top, width, height, sharp in faces:
            mine.setdefault(face_id, ({"Width": width or 0.0, "Height": height or 0.0,
                                       "Left": left or 0.0, "Top": top or 0.0},
                                      float(sharp) if isinstance(sharp, int | float) else None))
        found[image_id] = PhotoFaces(path, mine)
    return found
