"""Files that change while they are read, and files too large to read: never stored torn,
refused before they are read, memory bounded whatever is dropped."""

from __future__ import annotations

import hashlib
import io
import random
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pytest
from PIL import Image

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.photos import reading

REPO = Path(__file__).resolve().parents[2]
WRITER = """
import sys
from pathlib import Path
path, versions = Path(sys.argv[1]), [Path(p).read_bytes() for p in sys.argv[2:]]
print("ready", flush=True)
n = 0
while True:  # rewrite in place, 64 KiB at a time, as an editor saving over the file does
    data = versions[n % len(versions)]
    with open(path, "r+b") as f:
        for i in range(0, len(data), 65536):
            f.write(data[i:i + 65536])
        f.truncate(len(data))
    n += 1
"""


def _noise_jpeg(seed: int, size=(1600, 1200)) -> bytes:
    rng = random.Random(seed)
    im = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95)
    return out.getvalue()


# The CLI, then its own peak memory (VmHWM: of this program since it started, unlike the
# rusage of a child, which also counts the copy of the test process it was forked from)
_MEASURED = ("import sys; from finpics_desktop.cli import main; code = main(sys.argv[1:]); "
             "print('VmHWM', open('/proc/self/status').read().split('VmHWM:')[1].split()[0], "
             "file=sys.stderr); sys.exit(code)")


def _upload(library: Path, folder: Path, *args: str) -> tuple[int, str, int]:
    """Run the CLI's upload; its exit code, stderr and peak memory (KiB)."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "--library", str(library), "upload", str(folder),
         *args], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    *lines, peak = done.stderr.splitlines()
    assert peak.startswith("VmHWM "), done.stderr
    return done.returncode, "\n".join(lines), int(peak.split()[1])


def test_a_file_rewritten_while_it_is_read_is_never_stored_torn(tmp_path):
    versions = [_noise_jpeg(1), _noise_jpeg(2, (1400, 1300))]
    sources = []
    for n, data in enumerate(versions):
        sources.append(tmp_path / f"v{n}.bin")
        sources[-1].write_bytes(data)
    folder = tmp_path / "src"
    folder.mkdir()
    changing = folder / "changing.jpg"
    changing.write_bytes(versions[0])
    (folder / "steady.jpg").write_bytes(_noise_jpeg(3, (400, 300)))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(changing), *map(str, sources)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        code, err, _ = _upload(tmp_path / "library", folder, "--picset", "001_t")
    finally:
        writer.kill()
        writer.communicate()
    backend = open_library(tmp_path / "library")
    try:
        assert check(backend).ok
        stored = {i["sortkey"]: backend.store.get(backend.names.pics_bucket,
                                                  f"photos/001_t/{i['sortkey']}")
                  for i in backend.tables.query_pics("001_t")}
        info = backend.store.head(backend.names.pics_bucket, "photos/001_t/changing.jpg")
    finally:
        backend.close()
    assert "steady.jpg" in stored
    if "changing.jpg" in stored:  # read whole between two saves: one complete version
        assert stored["changing.jpg"] in versions
        assert info.sha256 == hashlib.sha256(stored["changing.jpg"]).hexdigest()
        assert code == 0, err
    else:
        assert code == 1
        assert ("FAILED changing.jpg: the file changed while it was read (4 tries): publish it "
                "again once it is completely saved") in err


def test_a_change_during_the_read_is_read_again(tmp_path, monkeypatch):
    """Saved over while its header was being checked: the file is read again, whole."""
    path = tmp_path / "photo.jpg"
    old, new = _noise_jpeg(4, (800, 600)), _noise_jpeg(5, (900, 600))
    path.write_bytes(old)
    checked = []

    def save_over_once(head: bytes) -> None:
        checked.append(head[:16])
        if len(checked) == 1:
            with open(path, "r+b") as f:  # in place: the open file sees the new bytes
                f.write(new)
                f.truncate(len(new))

    monkeypatch.setattr(reading, "check_header", save_over_once)
    content = reading.read_photo(path)
    assert len(checked) == 2 and content.data == new
    assert content.sha256 == hashlib.sha256(new).hexdigest() and content.size == len(new)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (len(body).to_bytes(4, "big") + kind + body
            + zlib.crc32(kind + body).to_bytes(4, "big"))


def _png_header(width: int, height: int) -> bytes:
    """A PNG's signature, IHDR and the start of its pixel data (IDAT)."""
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(bytes(65536))))


def test_limits_are_checked_before_reading(tmp_path):
    """Two 2 GiB files named .jpg and a 150 MiB PNG whose header says 400 MP: refused from
    their size and header; the job's memory stays that of a small job."""
    folder = tmp_path / "src"
    folder.mkdir()
    for name in ("huge1.jpg", "huge2.jpg"):
        with open(folder / name, "wb") as f:
            f.truncate(2 * 1024**3)  # sparse: no disk used, 2 GiB to read
    with open(folder / "bomb.png", "wb") as f:
        f.write(_png_header(20_000, 20_000))
        f.truncate(150 * 1024**2)
    (folder / "fine.jpg").write_bytes(_noise_jpeg(6, (300, 200)))
    code, err, peak_kib = _upload(tmp_path / "library", folder, "--picset", "001_big")
    assert code == 1
    for name in ("huge1.jpg", "huge2.jpg"):
        assert f"FAILED {name}: file is 2048 MiB, over the 200 MiB limit" in err
    assert ("FAILED bomb.png: image is too large (400 MP, over the 100 MP limit): refused "
            "before decoding") in err
    assert "published 1 of 4 photo(s) to “big” (001_big)" in err
    assert peak_kib < 400 * 1024, f"peak memory {peak_kib // 1024} MiB"  # not 2 GiB, not 150


@pytest.mark.parametrize("sizes", [(60, 70, 80), (300,)])
def test_byte_budget_holds_at_most_its_limit(sizes):
    budget = reading.ByteBudget(limit=100)

    inside, peak, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def hold(size):
        with budget.hold(size):
            with lock:
                inside[0] += size
                peak[0] = max(peak[0], inside[0])
            release.wait()
            with lock:
                inside[0] -= size

    threads = [threading.Thread(target=hold, args=(s,)) for s in sizes]
    for t in threads:
        t.start()
    with budget._cond:  # a first holder is in; the others wait for room
        budget._cond.wait_for(lambda: budget.used > 0)
    release.set()
    for t in threads:
        t.join()
    assert peak[0] in sizes  # any two are over the limit: one at a time (an oversize alone)
    assert budget.used == 0
