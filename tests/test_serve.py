"""`quizapp serve` under real gunicorn: two processes share one database."""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.request

from quizapp.serve import HEADER_TIMEOUT
from tests.live.server import Browser, Server


def test_two_gunicorn_servers_serve_the_same_learner(database_url):
    with Server(database_url) as one, Server(database_url) as two:
        browser = Browser()
        status, _, _ = browser.submit(
            one.url + "/auth/register", one.url + "/auth/register",
            {"username": "roamer", "password": "correct horse", "confirm": "correct horse"},
        )
        assert status == 302
        # the session cookie from server one is honoured by server two
        status, html, _ = browser.get(two.url + "/")
        assert status == 200 and "roamer" in html
        status, _, location = browser.submit(
            two.url + "/quizzes/belarus-trainers-places", two.url + "/quizzes/belarus-trainers-places/start", {})
        assert status == 302
        question = two.url + location
        status, html, _ = browser.get(question)
        choice = re.search(r'name="choice" value="(\d+)"', html).group(1)
        status, _, _ = browser.submit(question, one.url + location, {"choice": choice, "shown_at": "0"})
        assert status == 302
        for server in (one, two):
            status, html, _ = browser.get(server.url + location)
            assert "Your answer" in html  # the answer is recorded, seen from both
        attempt = re.search(r"/attempts/(\d+)/", location).group(1)
        browser.submit(question, one.url + f"/attempts/{attempt}/finish", {})
        for server in (one, two):
            status, html, _ = browser.get(server.url + "/progress")
            assert status == 200 and "Where" in html and "Attempts over time" in html


def test_serve_logs_structured_json_to_stderr(database_url, tmp_path):
    """Every request a JSON line on stderr, nothing on stdout; and with stderr
    sent to a file the way a shell's ``2> serve.log`` does (no O_APPEND), the
    access lines and gunicorn's own lines do not overwrite each other."""
    stdout = tmp_path / "stdout.log"
    server = Server(database_url, workers=1, stdout=stdout)
    with server:
        browser = Browser()
        for _ in range(20):
            assert browser.get(server.url + "/healthz")[0] == 200
    log = server.whole_log()  # stopped: gunicorn has said goodbye after the last request
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    access = [entry for entry in lines if entry.get("path") == "/healthz"]
    assert len(access) >= 21  # 20 here and at least one while it was starting
    assert all(entry["status"] == "200" and entry["method"] == "GET" for entry in access)
    # what each request cost the server's CPU, beside how long it took (bench/load.py reads it)
    assert all(0 <= float(entry["cpu_ms"]) < 1000 for entry in access), access[:3]
    assert sum(float(entry["cpu_ms"]) for entry in access) > 0
    assert "Shutting down: Master" in log and "Booting worker" in log
    assert stdout.read_text() == ""


def slow_clients(port: int, count: int, body: bool = False) -> list[socket.socket]:
    """``count`` connections that send half a request header (or a header and
    half a body) and stall: slowloris, and its slow-POST cousin."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if body:
            sock.sendall(b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         b"application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=")
        else:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sockets.append(sock)
    return sockets


def test_half_open_connections_do_not_keep_healthz_waiting(database_url):
    """Issue 14, point 10: twelve stalled clients, and /healthz still answers at once."""
    with Server(database_url, workers=1) as server:  # one worker: every stalled client lands on it
        stalled = slow_clients(server.port, 8)
        slow_bodies = slow_clients(server.port, 4, body=True)
        try:
            time.sleep(0.5)  # the stalled headers have reached the workers
            started = time.monotonic()
            with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
                assert response.status == 200
            waited = time.monotonic() - started
            assert waited < 2, f"/healthz took {waited:.1f} s behind 12 stalled connections"
            # and the stalled connections did not crowd out a learner's page either
            status, html, _ = Browser().get(server.url + "/")
            assert status == 200 and "quizapp" in html.lower()
            # the server hangs up on them once their header is overdue, freeing their threads
            for sock in stalled:
                sock.settimeout(HEADER_TIMEOUT + 5 - (time.monotonic() - started))
                try:
                    assert sock.recv(1024) == b""
                except ConnectionResetError:
                    pass
            assert time.monotonic() - started < HEADER_TIMEOUT + 5
        finally:
            for sock in stalled + slow_bodies:
                sock.close()
