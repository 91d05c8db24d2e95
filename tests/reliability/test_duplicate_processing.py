"""The same photo processed several times at once on the library (as duplicate S3 events do
on the cloud): real processes and threads calling the processing of one key, then chosen
interleavings (one run held at a point while another runs). Each ends as one run would."""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from finpics_desktop.domain import items
from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.ports import HASH_METADATA
from tests.processed_once import assert_processed_once, process_in_child

GROUP = "faces/groups/obama_and_biden.jpg"  # three faces: Biden, Obama, a child
SINGLE = "faces/biden/biden.jpg"
LANDSCAPE = "orientation/Landscape_1.jpg"  # no face
KEY = "photos/001_dup/photo.jpg"


@pytest.fixture
def contents(photos_dir):
    return {name: (photos_dir / rel).read_bytes()
            for name, rel in (("group", GROUP), ("single", SINGLE), ("none", LANDSCAPE))}


def _store(library, data: bytes) -> None:
    """As an upload stores an original: with its content hash."""
    library.store.put(library.names.pics_bucket, KEY, data, "image/jpeg",
                      {HASH_METADATA: hashlib.sha256(data).hexdigest()})


def _in_processes(library_dir, *replacements: bytes | None) -> None:
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(len(replacements))
    children = [spawn.Process(target=process_in_child, args=(str(library_dir), KEY, start, r))
                for r in replacements]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=300)
    assert [c.exitcode for c in children] == [0] * len(children)


def test_three_processes_process_one_photo_at_once(tmp_path, library, contents):
    _store(library, contents["group"])
    _in_processes(tmp_path / "library", None, None, None)
    first = assert_processed_once(library, KEY, contents["group"], faces=3)
    _in_processes(tmp_path / "library", None, None, None)  # again, over the first's item
    again = assert_processed_once(library, KEY, contents["group"], faces=3)
    assert set(items.face_ids(again["data"])).isdisjoint(items.face_ids(first["data"]))


def test_a_reupload_by_another_process_racing_the_first(tmp_path, library, contents):
    _store(library, contents["group"])
    _in_processes(tmp_path / "library", None, None, contents["single"])
    assert_processed_once(library, KEY, contents["single"], faces=1)


@pytest.mark.parametrize("content", ["group", "none"])
def test_four_threads_process_one_photo_at_once(library, contents, content):
    _store(library, contents[content])
    start = threading.Barrier(4)

    def run(_):
        start.wait()
        return library.process(library.names.pics_bucket, KEY)

    with ThreadPoolExecutor(4) as pool:
        returned = list(pool.map(run, range(4)))
    stored = assert_processed_once(library, KEY, contents[content],
                                   faces=3 if content == "group" else 0)
    assert all(items.same_faces(r, stored) for r in returned)


# -- chosen interleavings --------------------------------------------------------------------
class HeldAfter:
    """A port whose ``method`` returns only once the test lets it (``go``), after telling it
    was called (``reached``): holds one run at that point while others run."""

    def __init__(self, port, method: str):
        self._port, self._method = port, method
        self.reached, self.go = threading.Event(), threading.Event()

    def __getattr__(self, name):
        value = getattr(self._port, name)
        if name != self._method:
            return value

        def held(*args, **kwargs):
            result = value(*args, **kwargs)
            self.reached.set()
            assert self.go.wait(timeout=120), "the test never let the held run go on"
            return result
        return held


def _held_run(library, hold: HeldAfter, port: str):
    """Starts processing KEY in a thread with one port held; returns (thread, its result)."""
    ports = {"store": library.store, "tables": library.tables, "faces": library.faces}
    ports[port] = hold
    result: dict = {}

    def run():
        try:
            result["item"] = process_new_image(ports["store"], ports["tables"], ports["faces"],
                                               library.names, library.names.pics_bucket, KEY)
        except BaseException as e:  # seen by the test thread
            result["error"] = e

    thread = threading.Thread(target=run)
    thread.start()
    assert hold.reached.wait(timeout=120)
    return thread, result


def _finish(hold: HeldAfter, thread: threading.Thread, result: dict) -> dict:
    hold.go.set()
    thread.join(timeout=120)
    assert "error" not in result, result.get("error")
    return result["item"]


def test_a_duplicate_that_loses_deletes_what_it_indexed(library, contents):
    """A reads the original, B processes it whole, A goes on: A's write is refused, A sees
    the item already says what its own would and deletes its faces and image item."""
    _store(library, contents["group"])
    hold = HeldAfter(library.store, "get_tagged")
    thread, result = _held_run(library, hold, "store")
    winner = library.process(library.names.pics_bucket, KEY)
    assert _finish(hold, thread, result) == winner
    assert assert_processed_once(library, KEY, contents["group"], faces=3) == winner


def test_a_run_of_old_content_loses_to_the_reupload(library, contents):
    """A reads the first content; the photo is stored again with other content and processed
    (B); A goes on: it loses, deletes what it indexed, and makes the thumbnail it had just
    overwritten with the old content again from the new."""
    _store(library, contents["group"])
    hold = HeldAfter(library.store, "get_tagged")
    thread, result = _held_run(library, hold, "store")
    _store(library, contents["single"])
    winner = library.process(library.names.pics_bucket, KEY)
    assert _finish(hold, thread, result) == winner
    assert assert_processed_once(library, KEY, contents["single"], faces=1) == winner


def test_the_reupload_wins_even_when_the_old_content_is_written_first(library, contents):
    """A reads the first content and is held; the photo is stored again and B reads it (no
    item yet) and is held; A ends first and writes its item; B's write is refused, but its
    content is the original's: B writes again over A's item and deletes A's faces."""
    _store(library, contents["group"])
    hold_a = HeldAfter(library.store, "get_tagged")
    thread_a, result_a = _held_run(library, hold_a, "store")
    _store(library, contents["single"])
    hold_b = HeldAfter(library.store, "get_tagged")
    thread_b, result_b = _held_run(library, hold_b, "store")
    assert len(items.face_ids(_finish(hold_a, thread_a, result_a)["data"])) == 3
    b = _finish(hold_b, thread_b, result_b)
    assert assert_processed_once(library, KEY, contents["single"], faces=1) == b


def test_a_run_that_wrote_its_image_item_then_loses(library, contents):
    """A has indexed and written its image item when B processes the photo whole; A's item
    write is refused and its image item and faces go, B's stay."""
    _store(library, contents["group"])
    hold = HeldAfter(library.tables, "put_image_item")
    thread, result = _held_run(library, hold, "tables")
    assert len(list(library.tables.scan_image_items())) == 1  # A's
    winner = library.process(library.names.pics_bucket, KEY)
    assert _finish(hold, thread, result) == winner
    assert assert_processed_once(library, KEY, contents["group"], faces=3) == winner


class LostAnswer:
    """Tables whose first conditional put is applied but answered as refused: what a retried
    DynamoDB PutItem gives when the first attempt's answer was lost on the way back."""

    def __init__(self, tables):
        self._tables = tables
        self.lost = 0

    def __getattr__(self, name):
        return getattr(self._tables, name)

    def put_pics_item_if_unchanged(self, item, previous):
        written = self._tables.put_pics_item_if_unchanged(item, previous)
        if written and not self.lost:
            self.lost += 1
            return self._tables.put_pics_item_if_unchanged(item, previous)
        return written


def test_a_write_whose_answer_was_lost_still_drops_the_replaced_faces(library, contents):
    _store(library, contents["group"])
    library.process(library.names.pics_bucket, KEY)
    tables = LostAnswer(library.tables)
    item = process_new_image(library.store, tables, library.faces, library.names,
                             library.names.pics_bucket, KEY)
    assert tables.lost == 1
    assert assert_processed_once(library, KEY, contents["group"], faces=3) == item
