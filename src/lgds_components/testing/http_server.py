"""A local HTTP server for testing provider adapters, with faults on demand.

:class:`LocalHTTPServer` listens on ``127.0.0.1`` on a free port, answers from
a handler or a table of routes, records every request it receives, and can be
told to misbehave on the next requests: hang, reset the connection, or answer
with an error status. Standard library only.

>>> from urllib.request import urlopen
>>> routes = {"GET /ping": (200, {"Content-Type": "text/plain"}, b"pong")}
>>> with LocalHTTPServer(routes) as server:
...     with urlopen(server.url + "/ping?x=1") as reply:
...         print(reply.status, reply.read())
...     print(server.requests[0].method, server.requests[0].path, server.requests[0].query)
200 b'pong'
GET /ping x=1

Faults form a first-in, first-out queue; each request takes the next one, and
requests arriving with the queue empty are answered normally:

>>> from urllib.error import HTTPError
>>> with LocalHTTPServer(routes) as server:
...     server.status(503, {"Retry-After": "1"})
...     try:
...         urlopen(server.url + "/ping")
...     except HTTPError as exc:
...         print(exc.code, exc.headers["Retry-After"])
...         exc.close()
...     with urlopen(server.url + "/ping") as reply:
...         print(reply.status)
503 1
200
"""

from __future__ import annotations

import io
import json
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self, TypeAlias
from urllib.parse import urlsplit

import attrs

__all__ = ["Body", "Handler", "LocalHTTPServer", "Reply", "Request", "Route", "call_wsgi"]

Body: TypeAlias = bytes | str | dict[str, Any] | list[Any] | None
"""The body of a reply. Bytes go as they are, ``str`` as UTF-8 and ``dict`` or ``list`` as JSON."""

Reply: TypeAlias = tuple[int, Mapping[str, str] | None, Body]
"""``(status, headers, body)``."""


@attrs.frozen
class Request:
    """One request as the server received it.

    ``headers`` is an ``email.message.Message``: look-ups ignore case and
    give ``None`` for a missing header.
    """

    method: str
    path: str
    query: str
    headers: Message
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


def call_wsgi(app: Callable[..., Iterable[bytes]], request: Request, base_url: str) -> Reply:
    """Answer ``request`` with a WSGI application (served at ``base_url``), for a handler.

    >>> from urllib.request import urlopen
    >>> def hello(environ, start_response):
    ...     start_response("200 OK", [("Content-Type", "text/plain")])
    ...     return [f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}".encode()]
    >>> with LocalHTTPServer(lambda r: call_wsgi(hello, r, "http://127.0.0.1")) as server:
    ...     with urlopen(server.url + "/a/b") as reply:
    ...         print(reply.read())
    b'GET /a/b'
    """
    where = urlsplit(base_url)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": request.path,
        "QUERY_STRING": request.query,
        "CONTENT_TYPE": request.headers.get("Content-Type") or "",
        "CONTENT_LENGTH": str(len(request.body)),
        "SERVER_NAME": where.hostname or "127.0.0.1",
        "SERVER_PORT": str(where.port or (443 if where.scheme == "https" else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": where.scheme or "http",
        "wsgi.input": io.BytesIO(request.body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.items():
        key = "HTTP_" + name.upper().replace("-", "_")
        if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            environ[key] = value
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> None:
        started[:] = [int(status.split()[0]), dict(headers)]

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return started[0], started[1], body


Handler: TypeAlias = Callable[[Request], Reply]
"""Answers a request with ``(status, headers, body)``."""

Route: TypeAlias = Handler | Reply
"""What a route table maps ``"METHOD /path"`` (or ``"/path"``) to."""


@attrs.frozen
class _Hang:
    seconds: float


@attrs.frozen
class _Reset:
    pass


@attrs.frozen
class _Status:
    reply: Reply


_Fault: TypeAlias = _Hang | _Reset | _Status

_JOIN_SECONDS = 1.0


def _ok(request: Request) -> Reply:
    return 200, {"Content-Type": "text/plain"}, b"OK"


def _route_table(routes: Mapping[str, Route]) -> Handler:
    table = dict(routes)

    def handler(request: Request) -> Reply:
        route = table.get(f"{request.method} {request.path}", table.get(request.path))
        if route is None:
            return 404, {"Content-Type": "application/json"}, {"error": "no route"}
        return route(request) if callable(route) else route

    return handler


def _encode(headers: Mapping[str, str] | None, body: Body) -> tuple[dict[str, str], bytes]:
    out = dict(headers or {})
    if body is None:
        return out, b""
    if isinstance(body, bytes):
        return out, body
    if isinstance(body, str):
        out.setdefault("Content-Type", "text/plain; charset=utf-8")
        return out, body.encode()
    out.setdefault("Content-Type", "application/json")
    return out, json.dumps(body).encode()


class _Server(ThreadingHTTPServer):
    """Tracks its handler threads and open connections so it can stop at once."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: LocalHTTPServer, port: int) -> None:
        self.owner = owner
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()
        self.workers: list[threading.Thread] = []
        super().__init__(("127.0.0.1", port), _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        worker = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="LocalHTTPServer handler",
            daemon=True,
        )
        with self.lock:
            self.connections.add(request)
            self.workers = [t for t in self.workers if t.is_alive()]
            self.workers.append(worker)
        worker.start()

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> list[threading.Thread]:
        """Wake every handler blocked on a socket; return the threads to join."""
        with self.lock:
            connections, workers = list(self.connections), list(self.workers)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return workers


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small replies go out at once, not after a delayed ACK
    timeout = 30  # an idle keep-alive connection is dropped after this

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        request = Request(self.command, parts.path, parts.query, self.headers, self._read_body())
        fault = self.server.owner._received(request)
        if isinstance(fault, _Reset):
            self._reset()
            return
        if isinstance(fault, _Hang) and self.server.owner._stopping.wait(fault.seconds):
            self.close_connection = True
            return  # stopping: do not answer a client that has gone
        reply = fault.reply if isinstance(fault, _Status) else self.server.owner._answer(request)
        self._send(reply)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def _send(self, reply: Reply) -> None:
        status, raw_headers, raw_body = reply
        headers, body = _encode(raw_headers, raw_body)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if not any(name.lower() == "content-length" for name in headers):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:  # the client gave up (timed out) before the answer
            self.close_connection = True

    def _reset(self) -> None:
        """Close the connection so the client sees a reset (TCP RST), not a clean close."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # drop the file's reference so close() really closes
        self.connection.close()


class LocalHTTPServer:
    """An HTTP/1.1 server on ``127.0.0.1``, run in a background thread.

    Args:
        handler: a callable taking a :class:`Request` and returning
            ``(status, headers, body)``, or a mapping from ``"METHOD /path"``
            (or just ``"/path"``, any method) to such a callable or to a fixed
            reply. Unknown routes get 404. Without a handler every request gets
            ``200 OK``.
        port: the port to listen on; a free one by default.

    Use it as a context manager (or call :meth:`start` and :meth:`close`).
    Closing is quick even with hung requests in flight. If the handler raises,
    the client gets a 500 and the exception is kept in ``errors``.
    """

    def __init__(self, handler: Handler | Mapping[str, Route] | None = None, *,
                 port: int = 0) -> None:
        self.handler = handler
        self.port = port
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._faults: deque[_Fault] = deque()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def handler(self) -> Handler:
        """The callable answering requests; assign a callable or a route table."""
        return self._handler

    @handler.setter
    def handler(self, value: Handler | Mapping[str, Route] | None) -> None:
        if value is None:
            self._handler: Handler = _ok
        elif isinstance(value, Mapping):
            self._handler = _route_table(value)
        else:
            self._handler = value

    @property
    def url(self) -> str:
        """The base URL, such as ``http://127.0.0.1:49152``, with no trailing slash."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def hang(self, seconds: float) -> None:
        """Make the next request wait ``seconds`` before it is answered."""
        self._push(_Hang(seconds))

    def reset(self) -> None:
        """Make the next request read in full, then answered by a connection reset."""
        self._push(_Reset())

    def status(self, code: int, headers: Mapping[str, str] | None = None, body: Body = b"") -> None:
        """Make the next request get this status, headers and body instead of its route."""
        self._push(_Status((code, headers, body)))

    def clear(self) -> None:
        """Forget recorded requests, pending faults and handler errors."""
        with self._lock:
            self._requests.clear()
            self._faults.clear()
            self.errors.clear()

    def start(self) -> Self:
        """Start listening and serving in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the server is already running")
        self._stopping.clear()
        self._server = _Server(self, self.port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="LocalHTTPServer",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, wake hung requests, drop open connections and free the port."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        server.shutdown()
        thread.join()
        for worker in server.drop_connections():
            worker.join(_JOIN_SECONDS)
        server.server_close()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "stopped"
        return f"<LocalHTTPServer {where} requests={len(self.requests)}>"

    def _push(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _received(self, request: Request) -> _Fault | None:
        with self._lock:
            self._requests.append(request)
            return self._faults.popleft() if self._faults else None

    def _answer(self, request: Request) -> Reply:
        try:
            return self._handler(request)
        except Exception as exc:
            with self._lock:
                self.errors.append(exc)
            return 500, {"Content-Type": "text/plain"}, f"handler error: {exc!r}"
