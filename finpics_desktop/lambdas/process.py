"""The processing function: every ObjectCreated record of an S3 event through
:func:`~finpics_desktop.pipeline.functions.process.process_new_image`."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from urllib.parse import unquote_plus

from finpics_desktop.domain.errors import InvalidName, NoSuchObject, UnsupportedImage
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.lambdas.environment import adapters
from finpics_desktop.pipeline.functions.process import placed_by_curation, process_new_image

log = logging.getLogger(__name__)


def event_key(record: dict) -> str:
    """The object key of one S3 event record: S3 encodes a space as ``+`` and the rest with
    %-escapes, so ``+`` becomes a space *before* percent-decoding (``%2B`` stays a ``+``)."""
    return unquote_plus(record["s3"]["object"]["key"], encoding="utf-8")


def handle(event: dict, env: Mapping[str, str]) -> dict:
    """Processes every record; returns what was processed and what was skipped (with the
    reason). A record that fails for another reason is raised after the others were tried,
    so that Lambda retries the event (processing is idempotent)."""
    processed, skipped, failed = [], [], []
    for record in event.get("Records") or []:
        name = str(record.get("eventName", ""))
        if not name.startswith("ObjectCreated"):
            skipped.append({"key": None, "reason": f"not an ObjectCreated event ({name!r})"})
            log.info("skipping a %r record", name)
            continue
        bucket = record["s3"]["bucket"]["name"]
        key = event_key(record)
        try:
            parse_key(key)
        except (InvalidName, UnsupportedImage) as e:
            skipped.append({"key": key, "reason": str(e)})
            log.warning("skipping %s: %s", key, e)
            continue
        a = adapters(env)
        if name == "ObjectCreated:Copy" and placed_by_curation(a.store, bucket, key):
            skipped.append({"key": key, "reason": "put in place by a curation action, which "
                            "writes its items and keeps its faces"})
            log.info("leaving %s to the curation action that placed it", key)
            continue
        try:
            item = process_new_image(a.store, a.tables, a.faces, a.names, bucket, key)
        except UnsupportedImage as e:
            skipped.append({"key": key, "reason": str(e)})
            log.warning("skipping %s: %s", key, e)
            continue
        except NoSuchObject:  # a late or repeated event for an original moved or deleted since
            skipped.append({"key": key, "reason": "the original is no longer there (moved "
                            "or deleted since the event): nothing to process"})
            log.info("skipping %s: no longer there", key)
            continue
        except Exception as e:
            log.exception("processing %s failed", key)
            failed.append(f"{key}: {e}")
            continue
        processed.append({"key": key, "faces": len(item["data"].get("FaceRecords", []))})
    if failed:
        raise RuntimeError(f"{len(failed)} photo(s) failed: " + "; ".join(failed))
    return {"processed": processed, "skipped": skipped}


def handler(event, context):  # the Lambda entry point
    logging.getLogger().setLevel(logging.INFO)
    return handle(event, os.environ)
