"""Small real images made in the tests, and Moodle XML that embeds them."""

from __future__ import annotations

import base64
import struct
import zlib


def png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid PNG of one colour (no library needed: PNG is zlib and CRCs)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def file_element(name: str, data: bytes | str) -> str:
    body = data if isinstance(data, str) else b64(data)
    return f'<file name="{name}" path="/" encoding="base64">{body}</file>'


def multichoice(idnumber: str, stem: str, files: str = "", right: str = "Red", right_feedback: str = "",
                feedback_files: str = "", general: str = "") -> str:
    """One Moodle XML multichoice question; ``files`` go beside the question text."""
    return f"""  <question type="multichoice">
    <name><text>{idnumber}</text></name>
    <questiontext format="html"><text><![CDATA[{stem}]]></text>{files}</questiontext>
    <generalfeedback format="html"><text><![CDATA[{general}]]></text></generalfeedback>
    <idnumber>{idnumber}</idnumber>
    <single>true</single>
    <answer fraction="100" format="html"><text>{right}</text>
      <feedback format="html"><text><![CDATA[{right_feedback}]]></text>{feedback_files}</feedback></answer>
    <answer fraction="0" format="html"><text>Blue</text></answer>
  </question>
"""


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "".join(questions) + "</quiz>\n"
