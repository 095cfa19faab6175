"""``quizapp serve``: the app under gunicorn with production-safe defaults."""

from __future__ import annotations

import gc
import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http.errors import NoMoreData
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
        "cpu_ms": "%(cpu_ms)s",
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


class StderrLogger(Logger):
    """gunicorn's logger with the access log on the process's own stderr.

    gunicorn sends ``accesslog="-"`` to stdout; naming ``/dev/stderr`` instead
    opens the file behind it a second time, at an offset of its own, so with
    ``quizapp serve 2> serve.log`` the two writers overwrote each other's lines.
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if cfg.accesslog == "-":
            self._set_handler(self.access_log, "-", logging.Formatter(self.access_fmt), stream=sys.stderr)

    def atoms(self, resp, req, environ, request_time) -> dict:
        """gunicorn's atoms and ``cpu_ms``: the CPU time the request's thread spent on it (its body
        read, the app, the response written; not its wait for an app slot), from
        :meth:`SlowClientWorker.handle_request`. What a request costs the server, where the
        duration also counts the time it shared the cores."""
        atoms = super().atoms(resp, req, environ, request_time)
        started = getattr(req, "cpu_started", None)
        atoms["cpu_ms"] = "-" if started is None else f"{(time.thread_time() - started) * 1000:.2f}"
        return atoms


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
        # The app's own objects (routes, models, templates' environment) live as long as the
        # worker: out of the collector's sight, a full collection no longer walks them all.
        gc.collect()
        gc.freeze()
        return app


#: Seconds a client has to send a whole request header once it has started.
HEADER_TIMEOUT = 10
#: Threads per worker that only read requests, beside the ``--threads`` that
#: run the app: a client that sends slowly (slowloris) holds one of these,
#: for :data:`HEADER_TIMEOUT` seconds at most, never one that runs the app.
READER_THREADS = 16
#: Largest body read in full before the app runs (the app's own limit is 8 MB).
PREREAD_BYTES = 9 * 1024 * 1024


class SlowClientWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker that keeps slow clients away from the app.

    gunicorn's sync workers give each connection the whole process until it
    has sent its request, so four connections that send half a header and
    stall kept ``/healthz`` waiting 32 s. Here each connection is read by one
    of ``--threads`` + :data:`READER_THREADS` threads, header and body in
    full, and only then waits for one of the ``--threads`` app slots: the
    app runs as many requests at once as before (database connections and
    locks are sized for that), whatever the clients' speed. A watchdog shuts
    the socket of a connection that has not sent its whole header within
    :data:`HEADER_TIMEOUT` seconds, whose body is still coming after
    gunicorn's ``timeout``, or whose request runs past that timeout in the
    app (the sync workers' limit too), so every thread comes free again.
    """

    #: requests the app runs at once in this worker (``--threads``); set before the workers fork
    app_threads = 1
    #: requests after which the worker's caches (compiled templates and SQL) hold what the pages
    #: need: from then on they too stay out of the garbage collector's full passes
    freeze_after = 200
    _served = 0

    def init_process(self) -> None:
        self._app_slots = threading.BoundedSemaphore(self.app_threads)
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
        req.cpu_started = time.thread_time()  # the access log's cpu_ms (StderrLogger.atoms)
        if req.method == "GET" and self._stream_path.match(req.path or ""):
            return self._park_stream(req, conn)
        # the header is in; the body may take up to the timeout to follow
        self._set_deadline(conn, self.cfg.timeout)
        length = next((int(v) for k, v in req.headers if k == "CONTENT-LENGTH" and v.isdigit()), None)
        if length is not None and length <= PREREAD_BYTES:
            body = req.body.read()
            if len(body) < length:  # the watchdog hung up: gunicorn closes the connection quietly
                raise NoMoreData(body)
            req.body = io.BytesIO(body)
        self._set_deadline(conn, None)  # waiting for an app slot is not the client's fault
        with self._app_slots:
            self._set_deadline(conn, self.cfg.timeout)
            try:
                return super().handle_request(req, conn)
            finally:
                self._served += 1
                if self._served == self.freeze_after:
                    gc.collect()
                    gc.freeze()

    #: a live session's event stream (the route quizapp.live.events.events; tests/test_live_serve.py
    #: checks the two agree): served by the worker's hub, not an app thread
    _stream_path = re.compile(r"^/live/play/([0-9]{1,12})/events$")

    _hub = None
    _hub_lock = threading.Lock()

    def _park_stream(self, req, conn) -> bool:
        """Hand the connection of a live event stream to this worker's :class:`~quizapp.live.events.EventHub`.

        Its socket leaves gunicorn's hands (gunicorn is given a stand-in
        to close), so the stream holds a socket on the hub's selector, not a
        thread, however many phones are connected.
        """
        with self._hub_lock:
            if SlowClientWorker._hub is None:
                from quizapp.extensions import db
                from quizapp.live.events import EventHub

                with self.wsgi.app_context():  # it hears the app's announcements (quizapp.broadcast)
                    SlowClientWorker._hub = EventHub(db.engine, app=self.wsgi)
        sock, conn.sock = conn.sock, _HandedOver()
        self._hub.subscribe(sock, self._stream_path.match(req.path).group(1))
        return False

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


class _HandedOver:
    """What gunicorn closes in place of a socket handed to the event hub: nothing."""

    def setblocking(self, flag) -> None:
        pass

    def shutdown(self, how) -> None:
        raise OSError("handed over to the live event hub")

    def close(self) -> None:
        pass


def default_workers() -> int:
    """Two per core, at most 8: SQLite has one writer, so more only queue."""
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


def serve(bind: str, workers: int, threads: int, trusted_proxies: int, secure_cookies: bool, timeout: int,
          job_workers: int = 1, iframe_cookies: bool = False) -> None:
    """Run gunicorn with :class:`SlowClientWorker` workers, each running ``threads`` requests at once.

    Web workers never run background jobs (nor load the generator's models):
    ``job_workers`` ``quizapp worker`` processes run beside gunicorn and stop
    with it; with 0, start them yourself (another machine, a service manager).
    """
    app_config = {"TRUSTED_PROXIES": trusted_proxies, "JOBS_IN_PROCESS": False}
    if secure_cookies:
        app_config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
        if iframe_cookies:  # an LMS shows quizapp in its iframe (LTI): SameSite=None (see config.iframe_cookies)
            app_config.update(LTI_IFRAME_COOKIES=True)
    options = {
        "bind": bind,
        "workers": workers,
        "worker_class": "quizapp.serve.SlowClientWorker",
        "threads": threads + READER_THREADS,
        "keepalive": 5,
        "timeout": timeout,
        "graceful_timeout": 10,
        "accesslog": "-",
        "logger_class": "quizapp.serve.StderrLogger",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "forwarded_allow_ips": "*" if trusted_proxies else "127.0.0.1",
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        "preload_app": False,
    }
    SlowClientWorker.app_threads = threads
    with JobWorkers(job_workers):
        QuizappServer({k: v for k, v in options.items() if v is not None}, app_config).run()


class JobWorkers:
    """``quizapp worker`` processes beside gunicorn: started first, restarted if one dies, stopped last."""

    def __init__(self, count: int):
        self.count = count
        self.processes: list[subprocess.Popen] = []
        self.stopping = threading.Event()
        self.watcher = threading.Thread(target=self._watch, name="job-workers", daemon=True)

    def __enter__(self) -> "JobWorkers":
        self.owner = os.getpid()
        self.processes = [self._start() for _ in range(self.count)]
        if self.count:
            self.watcher.start()
        return self

    def __exit__(self, *exc) -> None:
        if os.getpid() != self.owner:
            return  # a gunicorn worker (a fork of the arbiter) exiting: the job workers are not its own
        self.stopping.set()
        for process in self.processes:
            process.send_signal(signal.SIGINT)  # huey's graceful stop: the running job finishes
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    @staticmethod
    def _start() -> subprocess.Popen:
        # a session of its own, so that the worker can lower its session's share of the CPU
        # (see quizapp.cli.worker.run_behind_everyone); it ends with this process (QUIZAPP_WORKER_PARENT)
        return subprocess.Popen([sys.executable, "-c", "from quizapp.cli import main; main()", "worker"],
                                start_new_session=True, env={**os.environ, "QUIZAPP_WORKER_PARENT": str(os.getpid())})

    def _watch(self) -> None:
        while not self.stopping.wait(2.0):
            for n, process in enumerate(self.processes):
                if process.poll() is not None and not self.stopping.is_set():
                    logging.getLogger(__name__).warning("job worker %s exited (%s); starting another",
                                                        process.pid, process.returncode)
                    self.processes[n] = self._start()
