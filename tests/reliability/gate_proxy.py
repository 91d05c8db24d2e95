"""An HTTP proxy in front of an AWS-compatible endpoint that stops a process at its n-th write:
every call is forwarded as it is, except the ``hold_at``-th write (a DynamoDB item written or
deleted, a Rekognition user or its faces changed), which is held -- never forwarded -- until
the test has killed the process that sent it. ``held`` says a write is held; set ``release``
to let the connection go."""

from __future__ import annotations

import threading

from fault_proxy import FaultProxy

WRITES = {"PutItem", "DeleteItem", "UpdateItem", "BatchWriteItem", "TransactWriteItems",
          "CreateUser", "DeleteUser", "AssociateFaces", "DisassociateFaces", "DeleteFaces",
          "IndexFaces"}


class GateProxy(FaultProxy):
    def __init__(self, upstream: str, hold_at: int | None = None):
        super().__init__(upstream, failure_rate=0.0, delay_rate=0.0)
        self.hold_at = hold_at
        self.writes: list[str] = []  # the writes seen, in order ("PutItem", "CreateUser"...)
        self.held = threading.Event()
        self.release = threading.Event()

    def handle(self, h) -> None:
        action = (h.headers.get("X-Amz-Target") or "").rpartition(".")[2]
        if action in WRITES:
            with self.lock:
                self.writes.append(action)
                hold = len(self.writes) == self.hold_at
            if hold:
                self.held.set()
                self.release.wait(timeout=120)
                h.close_connection = True
                h.connection.close()
                return
        super().handle(h)

    def __exit__(self, *exc) -> None:
        self.release.set()
        super().__exit__(*exc)
