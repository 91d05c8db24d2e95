"""A fault-injecting HTTP proxy on 127.0.0.1, put in front of an AWS-compatible endpoint.

A share of the calls (``failure_rate``) fails in one of the ways a hotel Wi-Fi or a busy AWS
region fails: 500 InternalError, 503 SlowDown / ServiceUnavailable, throttling (400
ThrottlingException, ProvisionedThroughputExceededException), the connection dropped before
the request reaches the endpoint, or dropped after the endpoint did the work (the response is
lost). Other calls may be delayed. Everything else is forwarded as it is.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULTS = ("500", "503", "throttle", "drop-before", "drop-after")
_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
        "upgrade", "content-length"}


class FaultProxy:
    def __init__(self, upstream: str, failure_rate: float = 0.3, delay_rate: float = 0.1,
                 seed: int = 5, faults: tuple[str, ...] = FAULTS):
        self.upstream = urlsplit(upstream)
        self.failure_rate, self.delay_rate = failure_rate, delay_rate
        self.faults = faults
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stats: Counter[str] = Counter()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _any(self):
                proxy.handle(self)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    # -- one request -------------------------------------------------------------------------
    def _choose(self) -> tuple[str | None, float]:
        with self.lock:
            fault = self.rng.choice(self.faults) if self.rng.random() < self.failure_rate else None
            delay = self.rng.uniform(0.01, 0.15) if self.rng.random() < self.delay_rate else 0.0
            self.stats["calls"] += 1
            self.stats[fault or "forwarded"] += 1
            if delay:
                self.stats["delayed"] += 1
        return fault, delay

    def _body(self, h: BaseHTTPRequestHandler) -> bytes:
        if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(h.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while h.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(h.rfile.read(size))
                h.rfile.readline()
        return h.rfile.read(int(h.headers.get("Content-Length") or 0))

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        body = self._body(h)
        fault, delay = self._choose()
        if delay:
            time.sleep(delay)  # a slow network, not synchronisation
        if fault == "drop-before":
            h.close_connection = True
            h.connection.close()
            return
        if fault in ("500", "503", "throttle"):
            self._error(h, fault)
            return
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        try:
            headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP}
            headers["Content-Length"] = str(len(body))
            conn.request(h.command, h.path, body=body if body or h.command in (
                "PUT", "POST") else None, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if fault == "drop-after":  # the endpoint did the work, the answer is lost
            h.close_connection = True
            h.connection.close()
            return
        h.send_response(response.status, response.reason)
        for k, v in response.getheaders():
            if k.lower() not in _HOP:
                h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(data)

    def _error(self, h: BaseHTTPRequestHandler, fault: str) -> None:
        json_api = bool(h.headers.get("X-Amz-Target")) or "/functions/" in h.path
        if json_api:
            kind = {"500": "InternalServerError", "503": "ServiceUnavailableException",
                    "throttle": self.rng.choice(["ThrottlingException",
                                                 "ProvisionedThroughputExceededException"])}[fault]
            status = {"500": 500, "503": 503, "throttle": 400}[fault]
            body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{kind}",
                               "message": f"injected {kind}"}).encode()
            ctype = "application/x-amz-json-1.0"
        else:
            code, status = {"500": ("InternalError", 500), "503": ("SlowDown", 503),
                            "throttle": ("SlowDown", 503)}[fault]
            body = (f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code>"
                    f"<Message>injected {code}</Message><RequestId>x</RequestId></Error>"
                    ).encode()
            ctype = "application/xml"
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        if json_api:
            h.send_header("x-amzn-ErrorType", kind)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)
