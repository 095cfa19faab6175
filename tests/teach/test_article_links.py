"""An article from a link: real HTTP from a page server on 127.0.0.1, and the guard that keeps links
out of the school's own network (private, loopback, link-local, metadata addresses, at every redirect
and after DNS resolution)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Article, ArticleImport, Question
from quizapp.services import authoring
from quizapp.services.errors import InvalidInput
from quizapp.services.fetch import check_address, fetch_page
from tests.conftest import csrf_token
from tests.teach.test_drafts import import_id_of, inline, teacher  # noqa: F401

PAGE = sorted((Path(__file__).resolve().parent.parent / "data" / "pages").glob("*.html"))[2]
LOCAL = ("127.0.0.1",)


class _Pages(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        routes = {
            "/story": (200, "text/html; charset=utf-8", PAGE.read_bytes(), {}),
            "/moved": (301, "text/html", b"", {"Location": "/story"}),
            "/to-metadata": (302, "text/html", b"", {"Location": "http://169.254.169.254/latest/meta-data/"}),
            "/photo": (200, "image/png", b"\x89PNG\r\n\x1a\n", {}),
            "/huge": (200, "text/html", b"<p>" + b"word " * (1_300_000) + b"</p>", {}),
            "/gone": (404, "text/html", b"<h1>Not found</h1>", {}),
        }
        status, kind, body, headers = routes.get(self.path, routes["/gone"])
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up on a page too large: what the test wants


@pytest.fixture(scope="module")
def pages():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent():
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/story"
    listener.close()


def test_a_page_is_fetched_over_http_with_its_redirects(pages):
    data, found_at = fetch_page(pages + "/moved", allow=LOCAL)
    assert found_at == pages + "/story"
    assert data == PAGE.read_bytes()


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("172.16.5.4", "private"),
    ("192.168.1.20", "private"), ("fd12:3456::1", "private"), ("169.254.169.254", "metadata"),
    ("fd00:ec2::254", "metadata"), ("169.254.10.1", "link-local"), ("fe80::1", "link-local"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"), ("100.64.0.1", "not a public"),
    ("0.0.0.0", "not a public"), ("224.0.0.1", "not a public"),
])
def test_the_guard_refuses_every_kind_of_address_inside_a_network(address, kind):
    with pytest.raises(InvalidInput) as caught:
        check_address(address)
    assert kind in str(caught.value) and address in str(caught.value)


def test_the_guard_lets_public_addresses_through():
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"):
        check_address(address)


def test_without_the_test_allowance_this_server_itself_is_refused(pages):
    with pytest.raises(InvalidInput, match="loopback"):
        fetch_page(pages + "/story")


def test_every_redirect_is_checked_again(pages):
    with pytest.raises(InvalidInput, match="169.254.169.254, a cloud metadata address"):
        fetch_page(pages + "/to-metadata", allow=LOCAL)


def test_the_name_s_dns_answer_is_checked_not_the_name(pages):
    port = int(pages.rsplit(":", 1)[1])

    def private(host, port):
        return ["10.20.30.40"]

    def rebound(host, port):
        return ["127.0.0.1"]

    with pytest.raises(InvalidInput, match="10.20.30.40, a private network address"):
        fetch_page("https://news.example.com/story", resolve=private)
    with pytest.raises(InvalidInput, match="loopback"):
        fetch_page(f"http://news.example.com:{port}/story", resolve=rebound)
    # the connection goes to the address that was checked, with the name kept for the Host header
    data, _ = fetch_page(f"http://news.example.com:{port}/story", resolve=rebound, allow=LOCAL)
    assert data == PAGE.read_bytes()


@pytest.mark.parametrize(("path", "message"), [
    ("/photo", "the link is not a web page (image/png)"),
    ("/huge", "the page is larger than 5 MB"),
    ("/gone", "the page answered with an error (404)"),
])
def test_what_is_not_an_article_page_is_refused(pages, path, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        fetch_page(pages + path, allow=LOCAL)


def test_a_server_that_never_answers_is_given_up_on(silent):
    with pytest.raises(InvalidInput, match="did not answer in time"):
        fetch_page(silent, allow=LOCAL, timeout=0.5)


@pytest.mark.parametrize("url", ["ftp://example.com/a.html", "file:///etc/passwd", "javascript:alert(1)",
                                 "https://user:secret@example.com/story", "example.com/story"])
def test_only_plain_web_links_are_followed(url):
    with pytest.raises(InvalidInput):
        fetch_page(url)


def _count(model):
    return select(func.count()).select_from(model)


def _submit(client, url: str, title: str = ""):
    token = csrf_token(client.get("/teach/imports/new").text)
    return client.post("/teach/imports/new", data={"url": url, "title": title, "published": "",
                                                   "csrf_token": token})


def test_a_teacher_pastes_a_link_and_gets_drafts_of_the_article(client, teacher, inline, app, pages, monkeypatch):
    monkeypatch.setitem(app.config, "FETCH_ALLOWED_ADDRESSES", LOCAL)
    expected = json.loads(PAGE.with_suffix(".json").read_text("utf-8"))
    import_id = import_id_of(_submit(client, pages + "/moved"))
    with app.app_context():
        article = db.session.get(ArticleImport, import_id).article
        assert article.title == expected["title"]
        assert article.published.isoformat() == expected["published"]
        assert article.url == pages + "/story"
        assert article.body.split("\n\n") == expected["paragraphs"]
    assert "drafts to review" in client.get(f"/teach/imports/{import_id}").text


def test_a_link_into_the_network_fails_in_its_job_with_the_reason_and_reaches_no_list(client, teacher, inline, app,
                                                                                       pages, scalar):
    import_id = import_id_of(_submit(client, pages + "/story", title="Anything"))
    page = client.get(f"/teach/imports/{import_id}").text
    assert "Making the drafts failed" in page and "The page at the link could not be used" in page
    assert "127.0.0.1, a loopback address" in page and "Try again" in page
    assert scalar(_count(Question).where(Question.import_id == import_id)) == 0
    with app.app_context():
        article = db.session.get(ArticleImport, import_id).article
        assert article.body == ""  # nothing of the page was kept
        assert article.id not in {a.id for a in authoring.list_articles(teacher_id=1)}


@pytest.mark.parametrize("url", ["ftp://example.com/a.html", "example.com/story", "http://"])
def test_a_link_that_is_no_web_address_is_refused_on_the_form_and_nothing_is_stored(client, teacher, app, url):
    with app.app_context():
        before = (db.session.scalar(_count(Article)), db.session.scalar(_count(ArticleImport)))
    response = _submit(client, url, title="Anything")
    assert response.status_code == 422
    assert "starting with http:// or https://" in response.text and 'id="url-error"' in response.text
    with app.app_context():
        assert (db.session.scalar(_count(Article)), db.session.scalar(_count(ArticleImport))) == before
