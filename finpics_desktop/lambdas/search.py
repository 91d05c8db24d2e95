"""The search function: ``{"faceid": ...}`` to the contract's payload, through
:func:`~finpics_desktop.pipeline.search.search_faces`."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping

from finpics_desktop.domain import items
from finpics_desktop.lambdas.environment import adapters
from finpics_desktop.pipeline.search import search_faces

log = logging.getLogger(__name__)


def handle(event, env: Mapping[str, str]) -> dict:
    if isinstance(event, str | bytes):  # a payload sent as a JSON string
        try:
            event = json.loads(event)
        except ValueError:
            return items.search_error("the request is not JSON")
    face_id = event.get("faceid") if isinstance(event, dict) else None
    try:
        a = adapters(env)
    except Exception as e:
        log.exception("cannot build the adapters")
        return items.search_error(str(e))
    return search_faces(a.tables, a.faces, face_id, a.threshold)


def handler(event, context):  # the Lambda entry point
    return handle(event, os.environ)
