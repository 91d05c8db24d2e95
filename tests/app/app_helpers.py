"""What the application-layer tests share: a runner that runs each task at once, on the
caller's thread (the window's runs it on a pool)."""

from __future__ import annotations

from finpics_desktop.app.tasks import Task


def at_once(fn, on_done=None, on_error=None, *, task=None):
    task = task or Task()
    try:
        result = fn()
    except Exception as e:  # noqa: BLE001 - handed over as the pool does
        if on_error:
            on_error(e)
        return task
    if on_done:
        on_done(result)
    return task
