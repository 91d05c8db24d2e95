"""The search function: ``{"faceid": ...}`` to the contract's payload, through
:func:`~finpics_desktop.pipeline.functions.search.search_faces` (any failure is a
``statusCode`` 500 with the reason)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping

from finpics_desktop.domain.matches import error_payload, to_payload
from finpics_desktop.lambdas.environment import adapters
from finpics_desktop.pipeline.functions.search import search_faces

log = logging.getLogger(__name__)


def handle(event, env: Mapping[str, str]) -> dict:
    """``{"faceid"}``: the sure matches (what the public site asks); with ``"maybe": true``
    (the app) the maybes too, after them; each entry says its ``band``."""
    if isinstance(event, str | bytes):  # a payload sent as a JSON string
        try:
            event = json.loads(event)
        except ValueError:
            return error_payload("the request is not JSON")
    face_id = event.get("faceid") if isinstance(event, dict) else None
    maybe = isinstance(event, dict) and event.get("maybe") is True
    try:
        a = adapters(env)
    except Exception as e:
        log.exception("cannot build the adapters")
        return error_payload(str(e))
    try:
        return to_payload(search_faces(a.tables, a.faces, face_id, a.threshold, maybe=maybe))
    except Exception as e:  # the function's contract: any failure is a 500 with a message
        log.warning("search for face %r failed: %s", face_id, e)
        return error_payload(str(e) or type(e).__name__)


def handler(event, context):  # the Lambda entry point
    return handle(event, os.environ)
