"""Work that runs off the caller's thread, and the one way its result is dropped.

A runner (the window's ``ui.workers.run_task``; a test's own) starts ``fn`` and later calls
``on_done(result)`` or ``on_error(exception)`` back on the caller's thread -- unless the
:class:`Task` it returned was cancelled first: a cancelled task's result is never delivered.
``fn`` may watch :attr:`Task.stop` to end early.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol


class Task:
    """A handle on work under way: :meth:`cancel` drops its result."""

    def __init__(self) -> None:
        self.stop = threading.Event()  # set once cancelled: the work may stop early

    def cancel(self) -> None:
        self.stop.set()

    @property
    def cancelled(self) -> bool:
        return self.stop.is_set()


class Runner(Protocol):
    def __call__(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None, *,
                 task: Task | None = None) -> Task: ...
