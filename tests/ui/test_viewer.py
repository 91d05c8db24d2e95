"""The viewer: face boxes drawn where the stored ratios say, on the upright picture, for all
eight EXIF orientations; hover, zoom, keyboard, the info panel."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, Qt
from ui_helpers import grid_rows, picset_item, select_source

from finpics_desktop.ui.main_window import VIEWER

# stored pixels = inverse of the transform the orientation tag asks a viewer to apply
INVERSE = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
           4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
           6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_270}


def oriented_copies(source, folder):
    """The same upright picture stored with each EXIF orientation 1-8."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as im:
        upright = im.convert("RGB")
    for orientation, op in INVERSE.items():
        stored = upright.transpose(op) if op else upright
        exif = Image.Exif()
        exif[0x0112] = orientation
        stored.save(folder / f"o{orientation}.jpg", quality=92, exif=exif)
    return folder


def open_photo(qtbot, window, row):
    window.selection.choose_row(row)
    window.grid.setFocus()
    qtbot.keyClick(window.grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentIndex() == VIEWER
                    and not window.viewer.loading, timeout=20_000)


def relative_boxes(canvas):
    r = canvas.image_rect()
    return [((f.x() - r.x()) / r.width(), (f.y() - r.y()) / r.height(),
             f.width() / r.width(), f.height() / r.height()) for f in canvas.face_rects()]


def png(qimage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    qimage.save(buffer, "PNG")
    return bytes(data)


@pytest.fixture
def oriented(library, photos_dir, tmp_path, make_window, qtbot):
    from finpics_desktop.pipeline.publish.upload import Publisher

    folder = oriented_copies(photos_dir / "faces/groups/obama_and_biden.jpg",
                             tmp_path / "oriented")
    report = Publisher(library.store, library.tables, library.faces, library.names,
                       library.process).publish([folder], "001_oriented")
    assert report.ok, report.summary()
    window = make_window()
    qtbot.waitUntil(lambda: picset_item(window, "001_oriented") is not None)
    select_source(qtbot, window, picset_item(window, "001_oriented"))
    assert grid_rows(window) == [f"o{i}.jpg" for i in range(1, 9)]
    return window


def test_face_boxes_match_stored_ratios_for_all_orientations(oriented, library, engine, qtbot):
    window = oriented
    canvas = window.viewer.canvas
    with Image.open(library.store.path(library.names.pics_bucket,
                                       "photos/001_oriented/o1.jpg")) as im:
        upright = im.size
    reference = None
    for row in range(8):
        name = f"o{row + 1}.jpg"
        if row == 0:
            open_photo(qtbot, window, 0)
        else:
            qtbot.keyClick(canvas, Qt.Key.Key_Right)  # next photo
            qtbot.waitUntil(lambda n=name: window.viewer.current.name == n
                            and not window.viewer.loading, timeout=20_000)
        stored = library.tables.get_pics_item("001_oriented", name)["data"]["FaceRecords"]
        assert len(stored) >= 2, name  # Obama, Biden (and whoever else the engine finds)
        # the picture is shown upright: its aspect is the upright one for every orientation
        assert canvas.image.width() / canvas.image.height() == pytest.approx(
            upright[0] / upright[1], rel=0.01), name
        rect = canvas.image_rect()
        drawn = canvas.face_rects()
        assert len(drawn) == len(stored)
        for record, box in zip(stored, drawn, strict=True):
            b = record["Face"]["BoundingBox"]
            assert box.x() == pytest.approx(rect.x() + b["Left"] * rect.width(), abs=0.5)
            assert box.y() == pytest.approx(rect.y() + b["Top"] * rect.height(), abs=0.5)
            assert box.width() == pytest.approx(b["Width"] * rect.width(), abs=0.5)
            assert box.height() == pytest.approx(b["Height"] * rect.height(), abs=0.5)
        # the same people, in the same places of the same upright picture
        boxes = sorted(sorted(relative_boxes(canvas), key=lambda b: -b[2])[:2])
        if reference is None:
            reference = boxes
        for got, want in zip(boxes, reference, strict=True):
            # the detector's window grid is not mirror-symmetric: compare centres, within
            # half a face (a box drawn for the wrong orientation lands far away)
            centre = (got[0] + got[2] / 2, got[1] + got[3] / 2)
            assert centre == pytest.approx((want[0] + want[2] / 2, want[1] + want[3] / 2),
                                           abs=want[2] / 2), name
        # and what is drawn inside each box on screen is a face (the real engine says so)
        shot = canvas.grab().toImage()
        dpr = shot.devicePixelRatio()
        for box in sorted(drawn, key=lambda b: -b.width())[:2]:  # Obama and Biden
            grow = box.width() * 0.5
            crop = shot.copy(QRect(int((box.x() - grow) * dpr), int((box.y() - grow) * dpr),
                                   int((box.width() + 2 * grow) * dpr),
                                   int((box.height() + 2 * grow) * dpr)))
            found = engine.analyze(png(crop), "crop.png")
            assert found, f"{name}: no face inside the drawn box {box}"
    # the info panel shows the essentials of the photo in the viewer
    assert window.info.value("File") == "o8.jpg"
    assert window.info.value("Size") == f"{upright[0]} × {upright[1]}"
    assert window.info.value("Faces") == str(len(stored))


def test_hover_zoom_fullscreen_and_back(oriented, qtbot):
    window = oriented
    canvas = window.viewer.canvas
    open_photo(qtbot, window, 5)
    box = canvas.face_rects()[0]
    qtbot.mouseMove(canvas, box.center().toPoint())
    qtbot.waitUntil(lambda: canvas.hovered == 0)
    assert canvas.cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseMove(canvas, QPoint(2, 2))
    qtbot.waitUntil(lambda: canvas.hovered == -1)
    fit = canvas.scale()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.scale() == pytest.approx(fit * 1.25) and not canvas.fit
    # boxes follow the zoom
    rect = canvas.image_rect()
    assert canvas.face_rects()[0].width() == pytest.approx(
        canvas.faces[0].width * rect.width())
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    before = canvas.image_rect()
    corner = QPoint(5, canvas.height() - 5)  # not on a face: drag pans
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.mouseMove(canvas, corner + QPoint(40, -30))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=corner + QPoint(40, -30))
    moved = canvas.image_rect().topLeft() - before.topLeft()
    assert moved.manhattanLength() > 0  # panned (as far as the picture allows)
    rect, face = canvas.image_rect(), canvas.face_rects()[0]
    assert (face.x() - rect.x()) / rect.width() == pytest.approx(canvas.faces[0].left)
    assert (face.y() - rect.y()) / rect.height() == pytest.approx(canvas.faces[0].top)
    for _ in range(3):
        qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.fit
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    qtbot.waitUntil(window.isFullScreen)
    assert not window.tree.isVisible()
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: window.viewer.current.name == "o5.jpg")
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert window.stack.currentIndex() == 0
    assert window.grid.currentIndex().row() == 4  # back on the photo last shown


def test_shortcuts_list_on_f1(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "shortcuts_dialog", None) is not None
                    and window.shortcuts_dialog.isVisible())
    keys = dict(window.shortcuts_dialog.entries)
    for expected in ("Ctrl+O", "Ctrl+U", "F1", "Esc", "Enter", "Arrows"):
        assert any(expected in k for k in keys), expected
    window.shortcuts_dialog.close()


def test_viewer_opens_exif_of_a_file(qtbot, window, tmp_path, photos_dir):
    folder = tmp_path / "exif"
    folder.mkdir()
    with Image.open(photos_dir / "faces/obama/obama.jpg") as original:
        im = original.convert("RGB")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 5D"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2016:07:04 18:22:10"
    sub[0x829A], sub[0x829D], sub[0x8827] = (1, 250), (28, 10), 200
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (41.0, 29.0, 24.3), 3: "W", 4: (71.0, 18.0, 46.2)})
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif)
    (folder / "tagged.jpg").write_bytes(buf.getvalue())
    window.open_folder(folder)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    open_photo(qtbot, window, 0)
    assert window.info.value("Camera") == "Canon EOS 5D"
    assert window.info.value("Taken") == "2016-07-04 18:22:10"
    assert window.info.value("Exposure") == "1/250 s · f/2.8 · ISO 200"
    assert window.info.value("GPS") == "41.49008° N, 71.31283° W"
    assert window.viewer.canvas.faces == []  # not published: no face records to draw
