"""``python -m govmedia.textcheck``: plain and JSON-lines output."""

import json
import subprocess
import sys

from govmedia.textcheck.__main__ import main


def test_jsonl_prints_one_object_per_input_line_in_order(tmp_path, capsys):
    path = tmp_path / "posts.txt"
    path.write_text("国家总理李强出席。\n一切正常。\n县工商局检查\n", encoding="utf-8")
    assert main(["--jsonl", "--as-of", "2026-06-01", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["line"] for line in lines] == [1, 2, 3]
    assert [[h["rule"] for h in line["hits"]] for line in lines] == [
        ["leader.wrong_title"], [], ["institution.local_renamed_2018"],
    ]  # fmt: skip


def test_jsonl_keeps_chinese_readable(tmp_path, capsys):
    path = tmp_path / "p.txt"
    path.write_text("国家总理李强\n", encoding="utf-8")
    main(["--jsonl", str(path)])
    assert "国务院总理" in capsys.readouterr().out


def test_plain_mode_marks_the_text_and_explains_in_chinese(tmp_path, capsys):
    path = tmp_path / "p.txt"
    path.write_text("国家总理李强出席。", encoding="utf-8")
    main([str(path)])
    out = capsys.readouterr().out
    assert "【国家总理】[1]李强出席。" in out
    assert "建议：国务院总理" in out and "严重" in out


def test_the_module_runs_from_the_command_line_reading_stdin():
    done = subprocess.run(
        [sys.executable, "-m", "govmedia.textcheck", "--as-of", "2026-06-01"],
        input="一切正常。",
        capture_output=True,
        text=True,
        check=True,
    )
    assert "未发现问题" in done.stdout
