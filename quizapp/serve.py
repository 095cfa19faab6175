"""``quizapp serve``: the app under gunicorn with production-safe defaults."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
import time

from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

#: One JSON object per request on stderr (gunicorn access-log atoms).
ACCESS_LOG_FORMAT = json.dumps(
    {
        "time": "%(t)s",
        "remote": "%(h)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "query": "%(q)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
        "agent": "%(a)s",
    }
)


class JsonFormatter(logging.Formatter):
    """Application log records as one JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class QuizappServer(BaseApplication):
    """gunicorn running :func:`quizapp.app.create_app` in every worker."""

    def __init__(self, options: dict, app_config: dict):
        self.options = options
        self.app_config = app_config
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from quizapp.app import create_app

        app = create_app(self.app_config)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        app.logger.handlers[:] = [handler]
        app.logger.setLevel(logging.INFO)
        return app


#: Seconds a client has to send a whole request header once it has started.
HEADER_TIMEOUT = 10


class SlowClientWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker with deadlines on slow clients.

    A thread reading a request blocks on its socket with no deadline of its
    own, so a client that sends half a header and stalls would hold the
    thread for as long as it likes. Here a watchdog thread shuts the socket
    of a connection that has not sent its whole header within
    :data:`HEADER_TIMEOUT` seconds, or whose request runs past gunicorn's
    ``timeout`` (the sync workers' limit too); the reading thread then sees
    the connection end and is free again.
    """

    def init_process(self) -> None:
        self._deadlines: dict = {}
        self._deadlines_lock = threading.Lock()
        threading.Thread(target=self._watch, name="slow-client-watchdog", daemon=True).start()
        super().init_process()

    def _set_deadline(self, conn, seconds: float | None) -> None:
        with self._deadlines_lock:
            if seconds is None:
                self._deadlines.pop(conn, None)
            else:
                self._deadlines[conn] = time.monotonic() + seconds

    def handle(self, conn):
        self._set_deadline(conn, HEADER_TIMEOUT)
        try:
            return super().handle(conn)
        finally:
            self._set_deadline(conn, None)

    def handle_request(self, req, conn):
        self._set_deadline(conn, self.cfg.timeout)  # the header is in; now the request's own limit
        return super().handle_request(req, conn)

    def _watch(self) -> None:
        while True:
            time.sleep(0.5)
            now = time.monotonic()
            with self._deadlines_lock:
                late = [conn for conn, deadline in self._deadlines.items() if deadline < now]
                for conn in late:
                    del self._deadlines[conn]
            for conn in late:
                try:
                    conn.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked reading it
                except OSError:
                    pass  # closed meanwhile


def default_workers() -> int:
    """Two per core, at most 8: SQLite has one writer, so more only queue."""
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


#: Threads per worker unless ``--threads`` asks for more than one. A client
#: that sends half a request header and stalls (slowloris) holds one thread,
#: not a whole worker, and only for :data:`HEADER_TIMEOUT` seconds; it takes
#: ``workers × threads`` such connections at once to keep anyone else waiting.
#: A connection that sends nothing waits in gunicorn's poller, holding no
#: thread. docs/deploy.md: nginx in front for more.
DEFAULT_THREADS = 16


def serve(bind: str, workers: int, threads: int, trusted_proxies: int, secure_cookies: bool, timeout: int) -> None:
    """Run gunicorn's threaded (``gthread``) workers; ``threads`` of 1 means :data:`DEFAULT_THREADS`."""
    app_config = {"TRUSTED_PROXIES": trusted_proxies}
    if secure_cookies:
        app_config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    options = {
        "bind": bind,
        "workers": workers,
        # sync workers give each connection a whole process: four half-open
        # connections kept /healthz waiting 30 s (the worker timeout)
        "worker_class": "quizapp.serve.SlowClientWorker",
        "threads": threads if threads > 1 else DEFAULT_THREADS,
        "keepalive": 5,
        "timeout": timeout,
        "graceful_timeout": 10,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "forwarded_allow_ips": "*" if trusted_proxies else "127.0.0.1",
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        "preload_app": False,
    }
    # gunicorn's "-" access log is stdout; keep every log line on stderr
    options["accesslog"] = "/dev/stderr" if os.path.exists("/dev/stderr") else "-"
    QuizappServer({k: v for k, v in options.items() if v is not None}, app_config).run()
