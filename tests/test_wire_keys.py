"""Typed records inside, the wire format only at the edge.

The contract's items (and Rekognition's responses) are read through the typed views of
``domain/records.py`` everywhere but at the edge listed here: a module outside it that spells a
wire key as a string literal (``item["sortkey"]``, ``face["FaceId"]``) fails this test, named
by file and line. Docstrings and comments may name the keys; only a whole quoted key counts.
A line of ``--json`` output that spells the contract's keys says so: ``# json-output``.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "finpics_desktop"

WIRE_KEYS = ("FaceId", "BoundingBox", "ImageId", "ExternalImageId", "FaceRecords", "FaceDetail",
             "Face", "UserId", "sortkey", "primarykey", "image_path", "image_id")

# The edge: where the wire shapes are made or read, and why. A folder covers what is in it.
EDGE = {
    "backends/": "the adapters (DynamoDB, S3, Rekognition; the library's SQLite and engine)",
    "lambdas/": "the Lambda handlers (S3 events, the search function's payload)",
    "localcloud/": "the local AWS-compatible cloud: it speaks Rekognition's wire itself",
    "domain/items.py": "the builders and shape checks of the contract's items",
    "domain/records.py": "the typed views, made from the wire",
    "domain/matches.py": "the search function's payload (made, read, and printed by --json)",
    "domain/people.py": "the private store's document of a named face",
    "pipeline/functions/process.py": "processing builds a new photo's items from IndexFaces",
    "pipeline/people/carry.py": "re-indexing rewrites a photo's FaceRecords, keeping its ids",
    "pipeline/people/reindex.py": "re-indexing rewrites a photo's items",
    "pipeline/people/reindex_resume.py": "a killed re-index's items, finished or rolled back",
    "pipeline/people/replaced.py": "a replaced photo's faces carried into its new item",
    "pipeline/people/drawn.py": "a face drawn by hand written into the photo's FaceRecords",
    "pipeline/people/removal.py": "a face removed from, or put back into, its photo's items",
    "pipeline/audit/": "the audit reads every item whole, as the public site's role reads it, "
                       "to find what leaks in any attribute (the keys' own values are not leaks)",
    "pipeline/photos/xmp.py": "XMP's own wire: MWG regions are of type \"Face\"",
}

JSON_OUTPUT = "# json-output"
_QUOTED = re.compile(r"""(['"])(""" + "|".join(WIRE_KEYS) + r""")\1""")


def _at_edge(relative: str) -> bool:
    return any(relative == e or (e.endswith("/") and relative.startswith(e)) for e in EDGE)


def _keys_in(token: tokenize.TokenInfo) -> list[str]:
    """The wire keys a string token spells as a whole literal: the token itself, or a quoted
    key inside an f-string's replacement fields (``f"{item['sortkey']}"``)."""
    text = token.string
    prefix = text[:len(text) - len(text.lstrip("rRbBuUfF"))].lower()
    if "f" in prefix:
        return [m.group(2) for m in _QUOTED.finditer(text[len(prefix):])]
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return []
    return [value] if value in WIRE_KEYS else []


def wire_keys_outside_edge(package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if _at_edge(relative):
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.STRING:
                continue
            n = token.start[0]
            if lines[token.end[0] - 1].rstrip().endswith(JSON_OUTPUT):
                continue
            for key in _keys_in(token):
                found.append(f"finpics_desktop/{relative}:{n}: {key!r} in {lines[n - 1].strip()}")
    return found


def test_no_wire_key_outside_the_edge():
    found = wire_keys_outside_edge()
    assert not found, ("a record is indexed by a wire key outside the edge (read it through "
                       "domain/records.py's typed views):\n" + "\n".join(found))


def test_every_edge_entry_exists():
    for entry in EDGE:
        assert (PACKAGE / entry).exists(), f"{entry} is listed as the edge but does not exist"


def test_the_check_finds_a_wire_key(tmp_path):
    """The grep is not vacuous: a module indexing an item by a key is named by file and line."""
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "view.py").write_text(
        '"""Shows ``FaceId``: {"FaceId", "sortkey"}."""\n'
        'x = item["sortkey"]  # a "FaceId" comment\n'
        'y = f"{item[\'image_path\']}"\n')
    (tmp_path / "backends").mkdir()
    (tmp_path / "backends" / "tables.py").write_text('k = item["primarykey"]\n')
    found = wire_keys_outside_edge(tmp_path)
    assert [f.split(" in ")[0] for f in found] == [
        "finpics_desktop/ui/view.py:2: 'sortkey'", "finpics_desktop/ui/view.py:3: 'image_path'"]


def test_the_views_keep_the_stored_item_byte_for_byte():
    """A photo read typed is written back exactly as it was stored (the public site reads it),
    and a view cannot be changed under its reader."""
    import dataclasses
    import json

    from finpics_desktop.domain.records import PhotoItem, PicsetEntry

    face = {"FaceId": "f-1", "ImageId": "i-1", "Confidence": 99.5, "ExternalImageId": "x",
            "BoundingBox": {"Width": 0.1, "Height": 0.2, "Left": 0.3, "Top": 0.4}}
    stored = {"primarykey": "001_a", "sortkey": "b.jpg",
              "data": {"FaceRecords": [{"Face": face, "FaceDetail": {"Smile": {"Value": 1}}}],
                       "FaceModelVersion": "7.0", "UnindexedFaces": []}}
    photo = PhotoItem.from_item(json.loads(json.dumps(stored)))
    assert (photo.picset, photo.name, photo.face_ids, photo.image_ids) == (
        "001_a", "b.jpg", ["f-1"], {"i-1"})
    [record] = photo.faces
    assert (record.confidence, record.external_image_id, record.left, record.height) == (
        99.5, "x", 0.3, 0.2)
    assert list(record.box.items()) == list(face["BoundingBox"].items())
    assert json.dumps(photo.item()) == json.dumps(stored)
    photo.item()["data"]["FaceRecords"].clear()  # a copy: the view is unchanged
    assert photo.face_ids == ["f-1"] and json.dumps(photo.item()) == json.dumps(stored)
    with pytest.raises(dataclasses.FrozenInstanceError):
        photo.name = "c.jpg"
    assert PicsetEntry.from_item({"primarykey": "/", "sortkey": "001_a"}).cover is None
