"""Real servers for tests: `quizapp serve` (gunicorn) in a subprocess."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

QUIZAPP = Path(sys.executable).with_name("quizapp")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``quizapp serve`` on 127.0.0.1; stopped by :meth:`stop` (or as a context manager)."""

    def __init__(self, database_url: str, workers: int = 2, secret: str = "live-test-secret", job_workers: int = 0,
                 stdout: Path | None = None, **env):
        """``self.log`` gets stderr, and stdout too unless ``stdout`` names a file of its own."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        tmp = Path(os.environ.get("TMPDIR", "/tmp"))
        environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secret,
                       "JOB_QUEUE": f"sqlite:///{tmp / f'quizapp-jobs-{self.port}.sqlite3'}",
                       "JOB_FILES": str(tmp / f"quizapp-job-files-{self.port}"), **env}
        self.job_files = Path(environment["JOB_FILES"])
        self.log = open(tmp / f"quizapp-serve-{self.port}.log", "w+")
        with open(stdout or os.devnull, "w") as own_stdout:
            self.process = subprocess.Popen(
                [str(QUIZAPP), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                 "--job-workers", str(job_workers)],
                env=environment, stdout=own_stdout if stdout else self.log, stderr=self.log,
                start_new_session=True,
            )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.output()}")

    def whole_log(self) -> str:
        """Everything the server (and its job workers) wrote so far."""
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text()

    def output(self) -> str:
        if self.log.closed:
            return Path(self.log.name).read_text()[-4000:]
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self, sig: int = 15) -> None:
        try:
            if self.process.poll() is None:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=20)
        finally:
            self.log.close()
            shutil.rmtree(self.job_files, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class Browser:
    """A cookie-keeping HTTP client that fills in CSRF tokens like a browser would."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, str | None]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.read().decode(), response.headers.get("Location")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location")

    def get(self, url: str) -> tuple[int, str, str | None]:
        return self.request(url)

    def submit(self, page_url: str, action_url: str, data: dict) -> tuple[int, str, str | None]:
        _, html, _ = self.get(page_url)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        return self.request(action_url, {**data, "csrf_token": token})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
