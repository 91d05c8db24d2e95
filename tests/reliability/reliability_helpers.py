"""Shared helpers of the reliability tests: generated photos (Pillow, in temp folders; the
shared photos are only ever read), tree snapshots, library counts."""

from __future__ import annotations

import hashlib
import io
import os
import random
from pathlib import Path

from PIL import Image, ImageDraw

from finpics_desktop.domain import items
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.functions.process import external_image_id

PHOTOS = Path(__file__).resolve().parents[2].parent / "shared" / "photos"
FACE_SOURCES = [
    "faces/obama/obama1.jpg", "faces/biden/biden.jpg", "faces/kit_harington/john2.jpeg",
    "faces/obama/obama_small.jpg", "faces/biden/biden2.jpg",
]


def jpeg(size=(64, 48), color=(200, 30, 30), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "JPEG", **save)
    return out.getvalue()


def png(size=(64, 48), color=(30, 30, 200), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG", **save)
    return out.getvalue()


def image_bytes(im: Image.Image, fmt: str, **save) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **save)
    return out.getvalue()


def small_faces(count: int = 5, side: int = 400) -> list[bytes]:
    """Real faces (from the shared photos, downscaled) as small JPEGs."""
    result = []
    for rel in FACE_SOURCES[:count]:
        with Image.open(PHOTOS / rel) as im:
            im = im.convert("RGB")
            im.thumbnail((side, side))
            result.append(image_bytes(im, "JPEG", quality=88))
    return result


def make_job(folder: Path, n: int, with_face_every: int = 4, seed: int = 7) -> dict[str, int]:
    """``n`` small distinct photos; every ``with_face_every``-th holds a real face, pasted on a
    random background. Returns name -> whether it has a face (1) or not (0)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    faces = small_faces()
    kinds = {}
    for i in range(n):
        name = f"p{i:03d}.jpg"
        if i % with_face_every == 0:
            with Image.open(io.BytesIO(faces[(i // with_face_every) % len(faces)])) as face:
                canvas = Image.new("RGB", (face.width + 40, face.height + 40),
                                   tuple(rng.randrange(256) for _ in range(3)))
                canvas.paste(face, (rng.randrange(40), rng.randrange(40)))
            data = image_bytes(canvas, "JPEG", quality=85)
            kinds[name] = 1
        else:
            im = Image.new("RGB", (160, 120), tuple(rng.randrange(256) for _ in range(3)))
            ImageDraw.Draw(im).text((10, 50), f"photo {i}", fill=(255, 255, 255))
            data = image_bytes(im, "JPEG", quality=80)
            kinds[name] = 0
        (folder / name).write_bytes(data)
    return kinds


def snapshot(root: Path, exclude: Path | None = None) -> dict[str, tuple]:
    """Every entry under ``root`` (links not followed) with its type, size, mtime and hash."""
    result = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if exclude is not None and Path(dirpath).resolve() == exclude.resolve():
            dirnames[:] = []
            continue
        dirnames[:] = [d for d in dirnames
                       if exclude is None or (Path(dirpath) / d).resolve() != exclude.resolve()
                       or (Path(dirpath) / d).is_symlink()]
        for name in filenames + dirnames:
            path = Path(dirpath) / name
            st = path.lstat()
            digest = None
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            result[str(path.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns,
                                                   digest)
    return result


def counts(backend) -> dict[str, int]:
    names = backend.names
    photo_items = [i for p in backend.tables.query_pics(PICSET_ROOT)
                   for i in backend.tables.query_pics(p["sortkey"])]
    return {
        "objects": sum(1 for _ in backend.store.list(names.pics_bucket, "photos/")),
        "thumbnails": sum(1 for _ in backend.store.list(names.thumbs_bucket, "photos/")),
        "items": len(photo_items),
        "faces": sum(1 for _ in backend.faces.list_faces()),
        "item_faces": sum(len(items.face_ids(i["data"])) for i in photo_items),
        "image_items": sum(1 for _ in backend.tables.scan_image_items()),
    }


def faces_per_photo(backend, picset: str) -> dict[str, tuple[int, int]]:
    """file name -> (faces listed by its item, faces in the index indexed from it)."""
    by_external: dict[str, int] = {}
    for face in backend.faces.list_faces():
        by_external[face.get("ExternalImageId")] = by_external.get(
            face.get("ExternalImageId"), 0) + 1
    result = {}
    for item in backend.tables.query_pics(picset):
        key = f"photos/{picset}/{item['sortkey']}"
        result[item["sortkey"]] = (len(items.face_ids(item["data"])),
                                   by_external.get(external_image_id(key), 0))
    return result
