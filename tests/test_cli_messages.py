"""Issue 14, point 20 (command line part): confirmations on stderr for every command,
GIFT/XML export warnings summarised (count and first few), all of them with -v."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("args,confirmation", [
    (["init-db"], "Database ready"),
    (["bank", "export", "{tmp}/bank.yaml"], "questions written to"),
    (["scores", "export", "{tmp}/scores.csv"], "written to"),
    (["backup", "{tmp}/backup.db"], "Backed up"),
    (["bank", "convert", "{tmp}/bank.yaml", "{tmp}/bank.json"], "questions written to"),
])
def test_confirmations_go_to_stderr(runner, tmp_path, args, confirmation):
    runner.invoke(args=["bank", "export", str(tmp_path / "bank.yaml")])
    result = runner.invoke(args=[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 0, result.output
    assert confirmation in result.stderr
    assert result.stdout == "", f"confirmation on stdout: {result.stdout!r}"


@pytest.mark.parametrize("ext", ["gift", "xml"])
def test_export_warnings_are_summarised(runner, tmp_path, ext):
    out = tmp_path / f"bank.{ext}"
    result = runner.invoke(args=["bank", "export", str(out)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert 1 <= len(warnings) <= 5, f"{len(warnings)} warning lines bury the result"
    assert "use -v to see all" in result.stderr
    verbose = runner.invoke(args=["bank", "export", str(out), "-v"])
    all_warnings = [line for line in verbose.stderr.splitlines() if line.startswith("warning:")]
    assert len(all_warnings) > len(warnings)
    runner.invoke(args=["bank", "export", str(tmp_path / "bank.yaml")])
    summary = runner.invoke(args=["bank", "convert", str(tmp_path / "bank.yaml"), str(tmp_path / f"again.{ext}")])
    assert summary.exit_code == 0 and len([ln for ln in summary.stderr.splitlines() if ln.startswith("warning:")]) <= 5
