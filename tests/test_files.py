"""Whole-or-nothing file writes shared by every command that writes a file."""

import os
import stat

import pytest

from quizapp.files import replacing, write_atomically


def test_write_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_atomically(target, "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_mode_is_usual_unless_asked_private(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    write_atomically(tmp_path / "shared", b"x")
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600
    with replacing(tmp_path / "private", mode=0o600) as tmp:
        tmp.write_bytes(b"secret")
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o600
