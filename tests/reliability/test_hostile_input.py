"""The hostile-input corpus: each case is published in a folder with a good photo beside it.
Each is either processed correctly or refused with a clear one-line reason naming the file; the
good photo is always published; nothing outside the library is written; the album stays
consistent (no item points at a missing object or thumbnail)."""

from __future__ import annotations

import io
import os
import re
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from reliability_helpers import image_bytes, jpeg, png, snapshot

from finpics_desktop.pipeline.check import scan
from finpics_desktop.pipeline.publish.upload import DONE, FAILED, SKIPPED, Publisher

PICSET = "001_hostile"


def _orientation_source(orientation: int) -> bytes:
    """A photo whose *upright* view is 90x60 with a red top-left corner, stored with the given
    EXIF orientation (so that applying the orientation gives the upright view back)."""
    upright = Image.new("RGB", (90, 60), (0, 0, 255))
    upright.paste((255, 0, 0), (0, 0, 30, 20))
    inverse = {2: [Image.Transpose.FLIP_LEFT_RIGHT], 3: [Image.Transpose.ROTATE_180],
               4: [Image.Transpose.FLIP_TOP_BOTTOM], 5: [Image.Transpose.TRANSPOSE],
               6: [Image.Transpose.ROTATE_90], 7: [Image.Transpose.TRANSVERSE],
               8: [Image.Transpose.ROTATE_270]}
    stored = upright
    for op in inverse.get(orientation, []):
        stored = stored.transpose(op)
    exif = Image.Exif()
    exif[0x0112] = orientation
    return image_bytes(stored, "JPEG", quality=95, exif=exif.tobytes())


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def _huge_jpeg() -> bytes:
    data = bytearray(jpeg((64, 48)))
    sof = data.find(b"\xff\xc0")
    data[sof + 5:sof + 9] = (60000).to_bytes(2, "big") + (60000).to_bytes(2, "big")
    return bytes(data)


def _write(name: str, data: bytes):
    def make(folder: Path) -> str:
        (folder / name).write_bytes(data)
        return name
    return make


def _symlink(name: str, target: str):
    def make(folder: Path) -> str:
        os.symlink(target, folder / name)
        return name
    return make


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.jpg")
    return "pipe.jpg"


def _dir(folder: Path) -> str:
    (folder / "x.jpg").mkdir()
    (folder / "x.jpg" / "inner.jpg").write_bytes(jpeg())
    return "x.jpg"


def _outside_link(folder: Path) -> str:
    outside = folder.parent / "elsewhere.jpg"
    outside.write_bytes(jpeg((40, 30), (9, 99, 9)))
    os.symlink(outside, folder / "linked.jpg")
    return "linked.jpg"


NFD = unicodedata.normalize("NFD", "café.jpg")
GOOD = jpeg((80, 60), (10, 120, 10))
NOISY = image_bytes(Image.effect_noise((400, 300), 60).convert("RGB"), "JPEG")
# (case id, builder, expected status, regex the reason must match ("" = no reason))
CASES = [
    ("zero-byte", _write("empty.jpg", b""), FAILED, r"empty file \(0 bytes\)"),
    ("truncated-jpeg", _write("half.jpg", NOISY[: len(NOISY) // 2]), FAILED,
     r"truncated image data"),
    ("corrupt-jpeg", _write("corrupt.jpg", jpeg()[:20] + os.urandom(64) * 8), FAILED,
     r"corrupt|truncated|not an image"),
    ("text-named-jpg", _write("notes.jpg", b"just some text, not a photo\n" * 20), FAILED,
     r"not an image: the content is not JPEG or PNG data"),
    ("png-named-jpg", _write("really_png.jpg", png()), FAILED,
     r"the content is PNG but the name says JPEG: rename the file"),
    ("jpeg-named-png", _write("really_jpeg.png", jpeg()), FAILED,
     r"the content is JPEG but the name says PNG"),
    ("gif-named-jpg", _write("anim.jpg", image_bytes(Image.new("P", (8, 8)), "GIF")), FAILED,
     r"GIF images are not supported"),
    ("wrong-extension-txt", _write("photo.txt", jpeg()), SKIPPED,
     r"not a photo finpics publishes \(\.jpg, \.jpeg, \.png\)"),
    ("no-extension", _write("photo", jpeg()), SKIPPED, r"not a photo finpics publishes"),
    ("webp", _write("modern.webp", b"RIFF0000WEBP"), SKIPPED, r"not a photo finpics publishes"),
    ("decompression-bomb", _write("bomb.png", image_bytes(Image.new("1", (12000, 12000)), "PNG")),
     FAILED, r"144 MP, over the 100 MP limit\): refused before decoding"),
    ("huge-dimensions", _write("huge.jpg", _huge_jpeg()), FAILED,
     r"3600 MP, over the 100 MP limit"),
    ("cmyk-jpeg", _write("cmyk.jpg", jpeg(mode="CMYK", color=(0, 80, 160, 0))), DONE, ""),
    ("16-bit-png", _write("deep.png", png(mode="I;16", color=40000)), DONE, ""),
    ("palette-png", _write("pal.png", png(mode="P", color=3)), DONE, ""),
    ("palette-transparency", _write("paltr.png", image_bytes(
        Image.new("P", (30, 20), 1), "PNG", transparency=1)), DONE, ""),
    ("alpha-png", _write("alpha.png", png(mode="RGBA", color=(10, 20, 30, 100))), DONE, ""),
    ("la-png", _write("gray_alpha.png", png(mode="LA", color=(100, 50))), DONE, ""),
    ("bilevel-png", _write("bw.png", png(mode="1", color=1)), DONE, ""),
    ("grayscale-jpeg", _write("gray.jpg", jpeg(mode="L", color=90)), DONE, ""),
    ("progressive-jpeg", _write("prog.jpg", jpeg((300, 200), progressive=True)), DONE, ""),
    *[(f"exif-orientation-{o}", _write(f"orient{o}.jpg", _orientation_source(o)), DONE, "")
      for o in range(1, 9)],
    ("broken-exif", _write("brokenexif.jpg", jpeg(
        exif=b"Exif\x00\x00II*\x00\xff\xff\xff\x7f" + b"\x00junk" * 10)), DONE, ""),
    ("exif-orientation-9", _write("orient9.jpg", jpeg(exif=_exif(9))), DONE, ""),
    ("trailing-garbage", _write("tail.jpg", jpeg() + b"\x00garbage" * 50), DONE, ""),
    ("one-pixel", _write("dot.png", png((1, 1))), DONE, ""),
    ("panorama-20000x10", _write("pano.png", png((20000, 10))), DONE, ""),
    ("upper-case-extension", _write("SHOUT.JPG", jpeg()), DONE, ""),
    ("mixed-case-jpeg", _write("Mixed.JpEg", jpeg()), DONE, ""),
    ("name-255-bytes", _write("a" * 251 + ".jpg", jpeg()), DONE, ""),
    ("name-255-bytes-multibyte", _write("é" * 125 + "a.jpg", jpeg()), DONE, ""),
    ("unicode-nfc", _write("café.jpg", jpeg()), DONE, ""),
    ("unicode-nfd", _write(NFD, jpeg()), DONE, ""),
    ("emoji", _write("party 🎉.jpg", jpeg()), DONE, ""),
    ("spaces", _write("my holiday photo.jpg", jpeg()), DONE, ""),
    ("plus", _write("a+b=c.jpg", jpeg()), DONE, ""),
    ("percent", _write("100% sure %20.jpg", jpeg()), DONE, ""),
    ("hash", _write("#1 photo.jpg", jpeg()), DONE, ""),
    ("question-mark", _write("why?.jpg", jpeg()), DONE, ""),
    ("ampersand-quotes", _write("tom & 'jerry'.jpg", jpeg()), DONE, ""),
    ("newline-in-name", _write("two\nlines.jpg", jpeg()), FAILED,
     r"the file name contains a control character"),
    ("backslash-in-name", _write("back\\slash.jpg", jpeg()), FAILED,
     r"a file name cannot contain a slash"),
    ("only-dots", _write("...", jpeg()), SKIPPED, r"hidden file"),
    ("dots-and-extension", _write("...jpg", jpeg()), SKIPPED, r"hidden file"),
    ("hidden-file", _write(".secret.jpg", jpeg()), SKIPPED, r"hidden file"),
    ("directory-named-x-jpg", _dir, SKIPPED, r"a folder \(subfolders are not published\)"),
    ("symlink-loop", _symlink("loop.jpg", "loop.jpg"), FAILED,
     r"a symbolic link that loops back on itself: cannot be read"),
    ("dangling-symlink", _symlink("gone.jpg", "does-not-exist.jpg"), FAILED,
     r"a broken symbolic link: its target does not exist"),
    ("fifo", _fifo, FAILED, r"not a regular file \(a pipe, socket or device\): not read"),
    # Tests run as root in CI, where chmod 000 does not stop a read. /proc/self/mem is a file
    # every process may open but whose read at offset 0 fails (EIO): an honest unreadable file.
    ("unreadable-file", _symlink("unreadable.jpg", "/proc/self/mem"), FAILED,
     r"cannot read the file: Input/output error"),
    ("symlink-to-photo-elsewhere", _outside_link, DONE, ""),
]


def _marks(case: str):
    # images.py ignores Pillow's "Corrupt EXIF data" warning at import; pytest's -W error
    # filter would otherwise turn it back into an exception inside the publisher's threads
    return [pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")] if (
        case == "broken-exif") else []


@pytest.mark.parametrize(("builder", "status", "pattern"),
                         [pytest.param(*c[1:], id=c[0], marks=_marks(c[0])) for c in CASES])
def test_hostile_file(tmp_path, library, builder, status, pattern):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.jpg").write_bytes(GOOD)
    name = builder(src)
    before = snapshot(tmp_path, exclude=tmp_path / "library")

    report = Publisher.for_backend(library).publish([src], PICSET)

    by_name = {r.path.name: r for r in report.results}
    assert by_name["good.jpg"].status == DONE, report.summary()
    result = by_name[name]
    assert result.status == status, result.line()
    if pattern:
        assert re.search(pattern, result.reason), result.reason
        line = result.line()
        assert line.startswith(f"{name}: ") and line.count("\n") == name.count("\n"), line
    else:
        assert result.reason == ""
    # nothing outside the library was written, the originals are untouched
    assert snapshot(tmp_path, exclude=tmp_path / "library") == before
    assert scan(library.store, library.tables, library.faces, library.names) == []
    published = {i["sortkey"] for i in library.tables.query_pics(PICSET)}
    if status == DONE:
        nfc = unicodedata.normalize("NFC", name)
        assert nfc in published
        thumb = library.store.get(library.names.thumbs_bucket, f"photos/{PICSET}/{nfc}")
        with Image.open(io.BytesIO(thumb)) as im:
            assert max(im.size) <= 300
            assert im.format == ("PNG" if name.lower().endswith(".png") else "JPEG")
    else:
        assert published == {"good.jpg"}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_thumbnail_is_upright(tmp_path, library, orientation):
    src = tmp_path / "src"
    src.mkdir()
    (src / "o.jpg").write_bytes(_orientation_source(orientation))
    assert Publisher.for_backend(library).publish([src], PICSET).ok
    with Image.open(io.BytesIO(library.store.get(
            library.names.thumbs_bucket, f"photos/{PICSET}/o.jpg"))) as im:
        im = im.convert("RGB")
        assert im.size == (90, 60)
        red, blue = im.getpixel((5, 5)), im.getpixel((80, 50))
        assert red[0] > 200 and red[2] < 60, red
        assert blue[2] > 200 and blue[0] < 60, blue


def test_bomb_is_refused_before_any_decoding(tmp_path, library, monkeypatch):
    from PIL import ImageFile

    loaded = []
    original = ImageFile.ImageFile.load

    def spy(self):
        loaded.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    src = tmp_path / "src"
    src.mkdir()
    (src / "bomb.png").write_bytes(image_bytes(Image.new("1", (12000, 12000)), "PNG"))
    (src / "huge.jpg").write_bytes(_huge_jpeg())
    report = Publisher.for_backend(library).publish([src], PICSET)
    assert [r.status for r in report.results] == [FAILED, FAILED]
    assert (12000, 12000) not in loaded and (60000, 60000) not in loaded


def test_nfc_and_nfd_spellings_of_one_name(tmp_path, library):
    src = tmp_path / "src"
    src.mkdir()
    (src / "café.jpg").write_bytes(jpeg(color=(1, 1, 1)))
    (src / NFD).write_bytes(jpeg(color=(250, 250, 250)))
    report = Publisher.for_backend(library).publish([src], PICSET)
    statuses = sorted(r.status for r in report.results)
    assert statuses == [DONE, FAILED]
    failed = report.with_status(FAILED)[0]
    assert "same name as" in failed.reason and "once Unicode-normalised" in failed.reason
    assert [i["sortkey"] for i in library.tables.query_pics(PICSET)] == ["café.jpg"]


@pytest.mark.parametrize(("picset", "message"), [
    ("../evil", "picset id '../evil' contains a slash"),
    ("/etc/finpics", "picset id '/etc/finpics' contains a slash"),
    ("001_a/../../b", "contains a slash"),
    ("001_..", "picset id '001_..' contains '..'"),
    ("..", "picset id '..' contains '..'"),
    ("C:\\temp", "contains a slash"),
    ("001_ok\x00", "contains a control character"),
    ("", "picset id is empty"),
], ids=["dotdot", "absolute", "nested-dotdot", "trailing-dotdot", "only-dotdot", "windows",
        "nul", "empty"])
def test_picset_ids_with_paths_are_refused(tmp_path, library, picset, message):
    from finpics_desktop.domain.errors import InvalidName

    src = tmp_path / "src"
    src.mkdir()
    (src / "good.jpg").write_bytes(GOOD)
    before = snapshot(tmp_path, exclude=tmp_path / "library")
    with pytest.raises(InvalidName, match=re.escape(message)):
        Publisher.for_backend(library).publish([src], picset)
    assert snapshot(tmp_path, exclude=tmp_path / "library") == before
    assert list(library.store.list(library.names.pics_bucket)) == []
    assert library.tables.query_pics("/") == []


def test_cli_refuses_a_picset_id_with_a_path(tmp_path, capsys):
    from finpics_desktop import cli

    src = tmp_path / "src"
    src.mkdir()
    (src / "good.jpg").write_bytes(GOOD)
    code = cli.main(["--library", str(tmp_path / "lib"), "upload", str(src), "--picset",
                     "../../escape"])
    assert code == 2  # a usage error
    assert "finpics-desktop: picset id '../../escape' contains a slash" in (
        capsys.readouterr().err)
    assert not (tmp_path / "escape").exists() and not (tmp_path.parent / "escape").exists()


@pytest.mark.parametrize("key", [
    "photos/001_x/../../../evil.jpg", "/etc/evil.jpg", "photos/../evil.jpg",
    "photos/001_x/sub/../evil.jpg", "../../outside.jpg", "photos/001_x/.tmp-reserved.jpg",
])
def test_object_keys_with_paths_are_refused(tmp_path, library, key):
    from finpics_desktop.domain.errors import InvalidName
    from finpics_desktop.pipeline.functions.process import process_new_image

    before = snapshot(tmp_path, exclude=tmp_path / "library")
    with pytest.raises(InvalidName):
        library.store.put(library.names.pics_bucket, key, GOOD, "image/jpeg")
    with pytest.raises(InvalidName):
        process_new_image(library.store, library.tables, library.faces, library.names,
                          library.names.pics_bucket, key)
    assert snapshot(tmp_path, exclude=tmp_path / "library") == before
    assert not list((tmp_path / "library").rglob("evil.jpg"))
