"""Fetching the web page a teacher links to, without letting a link reach inside the school's network.

Only ``http`` and ``https`` on public addresses: the host is resolved first
and every address it resolves to must be globally routable (no private,
loopback, link-local, cloud-metadata, carrier-grade NAT, multicast or
reserved address, IPv4-mapped IPv6 included); the connection then goes to
the address that was checked, so a second DNS answer cannot swap it
(rebinding), with the name kept for the Host header and for TLS. Redirects
are followed by hand, each one checked again. A deadline bounds the whole
fetch, a size limit the page, and only HTML is accepted.

Tests serve pages from 127.0.0.1: they name the addresses they allow
(``allow``, from the ``FETCH_ALLOWED_ADDRESSES`` setting, empty by default).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from urllib.parse import urljoin, urlsplit

import urllib3

from quizapp.services.errors import InvalidInput

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 10.0
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What makes an address one a link may not reach, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in ipaddress.ip_network("169.254.169.254/32") or address == ipaddress.ip_address("fd00:ec2::254"):
        return "a cloud metadata address"
    if address.is_unspecified or address.is_multicast:
        return "not a public address"
    if address.is_loopback:
        return "a loopback address (this server itself)"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private network address"
    if address.is_reserved:
        return "not a public address"
    if not address.is_global:  # 100.64.0.0/10 and other shared or special ranges
        return "not a public address"
    return None


def check_address(address: str, allow: Iterable[str] = ()) -> None:
    """Refuse an address a fetched link may not reach (unless ``allow`` names it).

    :raises InvalidInput: saying what kind of address it is.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if address in set(allow):
        return
    kind = _kind(ip)
    if kind:
        raise InvalidInput(f"the link leads to {address}, {kind}; only public web pages can be fetched", where="url")


def fetch_page(url: str, *, allow: Iterable[str] = (), timeout: float = TIMEOUT_SECONDS,
               max_bytes: int = MAX_PAGE_BYTES,
               resolve: Callable[[str, int], list[str]] | None = None) -> tuple[bytes, str]:
    """The HTML of the page at ``url`` and the address it was finally read from.

    :param allow: addresses that may be reached although not public (tests only).
    :param resolve: ``(host, port) -> addresses``; the system resolver by default.
    :raises InvalidInput: for a link that is not http(s), leads to a forbidden
        address (at any redirect), does not answer in time, is not HTML, is
        too large, or answers with an error.
    """
    allow = frozenset(allow)
    resolve = resolve or _resolve
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput("give the page's address, starting with http:// or https://", where="url")
        if parts.username or parts.password:
            raise InvalidInput("a link with a user name or password in it cannot be fetched", where="url")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise InvalidInput("the link's port is not a number", where="url") from None
        host = parts.hostname
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError):
            raise InvalidInput(f"no server is known by the name {host}", where="url") from None
        if not addresses:
            raise InvalidInput(f"no server is known by the name {host}", where="url")
        for address in addresses:
            check_address(address, allow)
        response = _get(parts, host, port, addresses[0], deadline)
        try:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status != 200:
                raise InvalidInput(f"the page answered with an error ({response.status})", where="url")
            kind = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if kind not in _HTML_TYPES:
                raise InvalidInput(f"the link is not a web page ({kind or 'no content type'}); "
                                   "download the file and upload it instead", where="url")
            return _read(response, max_bytes, deadline), url
        finally:
            response.release_conn()
    raise InvalidInput(f"the link redirects more than {MAX_REDIRECTS} times", where="url")


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise InvalidInput("the page did not answer in time", where="url")
    return left


def _get(parts, host: str, port: int, address: str, deadline: float):
    """GET the path from the checked ``address``, naming ``host`` for HTTP and TLS."""
    left = _left(deadline)
    timeout = urllib3.Timeout(connect=left, read=left)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1,
                                           server_hostname=host, assert_hostname=host)
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = (parts.scheme == "https" and port == 443) or (parts.scheme == "http" and port == 80)
    headers = {"Host": host if default else f"{host}:{port}", "Accept": "text/html,application/xhtml+xml",
               "User-Agent": "quizapp (article import)"}
    try:
        return pool.urlopen("GET", path, headers=headers, redirect=False, preload_content=False,
                            assert_same_host=False)
    except urllib3.exceptions.TimeoutError:
        raise InvalidInput("the page did not answer in time", where="url") from None
    except urllib3.exceptions.SSLError:
        raise InvalidInput(f"{host} did not prove who it is (its certificate does not match)", where="url") from None
    except urllib3.exceptions.HTTPError:
        raise InvalidInput(f"{host} could not be reached", where="url") from None


def _read(response, max_bytes: int, deadline: float) -> bytes:
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise InvalidInput(f"the page is larger than {max_bytes // 1048576} MB", where="url")
    chunks, size = [], 0
    try:
        for chunk in response.stream(65536):
            _left(deadline)
            size += len(chunk)
            if size > max_bytes:
                raise InvalidInput(f"the page is larger than {max_bytes // 1048576} MB", where="url")
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError:
        raise InvalidInput("the page did not answer in time", where="url") from None
    except urllib3.exceptions.HTTPError:
        raise InvalidInput("the page stopped before it was complete", where="url") from None
    return b"".join(chunks)
