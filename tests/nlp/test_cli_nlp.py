"""`feedback classify` and `feedback train` through the real dispatcher."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cli import main


def test_classify_one_text_prints_json(tiny_model_dir: Path, capsys):
    assert main(["classify", "--model-dir", str(tiny_model_dir), "阿姨迟到了，态度很差"]) == 0
    record = json.loads(capsys.readouterr().out.strip())
    assert set(record) >= {"attitude", "p_attitude", "labels", "category", "sentiment", "evidence"}
    assert isinstance(record["evidence"], dict)


def test_classify_gbk_csv_to_csv_keeps_input_columns(tiny_model_dir: Path, tmp_path: Path, capsys):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["a", "b"], "内容": ["阿姨很准时", "態度太差了"]}).to_csv(source, index=False,
                                                                                   encoding="gbk")
    out = tmp_path / "out.csv"
    code = main(["classify", "--model-dir", str(tiny_model_dir), "--input", str(source),
                 "--text-column", "内容", "--output", str(out)])
    assert code == 0
    result = pd.read_csv(out, encoding="utf-8-sig", dtype={"id": str})
    assert result["id"].tolist() == ["a", "b"]
    assert {"内容", "attitude", "p_logistics", "category", "evidence"} <= set(result.columns)
    assert "classified 2 rows" in capsys.readouterr().err


def test_classify_jsonl_and_xlsx(tiny_model_dir: Path, tmp_path: Path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "很好", "category": "x"}\n{"text": "太慢了"}\n', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["classify", "--model-dir", str(tiny_model_dir), "--input", str(source),
                 "--output", str(out)]) == 0
    result = pd.read_excel(out)
    assert len(result) == 2 and {"input_category", "category"} <= set(result.columns)
    xlsx_in = tmp_path / "again.xlsx"
    result[["text"]].to_excel(xlsx_in, index=False)
    assert main(["classify", "--model-dir", str(tiny_model_dir), "--input", str(xlsx_in),
                 "--output", str(tmp_path / "again.jsonl")]) == 0
    assert len((tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize("make_input, message", [
    (lambda d: _csv(d, {"body": ["x"]}), "column text not found"),
    (lambda d: d / "missing.csv", "no such file"),
    (lambda d: _bytes(d / "bad.xlsx", b"not a workbook"), "cannot read"),
    (lambda d: _bytes(d / "bad.jsonl", b"{oops\n"), "cannot read"),
])
def test_bad_inputs_give_one_line_and_exit_2(tiny_model_dir: Path, tmp_path: Path, capsys, make_input,
                                             message):
    path = make_input(tmp_path)
    assert main(["classify", "--model-dir", str(tiny_model_dir), "--input", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_classify_without_model_points_to_feedback_train(tmp_path: Path, capsys):
    assert main(["classify", "--model-dir", str(tmp_path / "none"), "好"]) == 2
    assert "feedback train" in capsys.readouterr().err


@pytest.mark.slow
def test_train_with_user_file_and_corrections(tmp_path: Path, capsys):
    import sqlalchemy as sa

    data = _csv(tmp_path, {"text": ["阿姨迟到两小时", "师傅很专业"], "rating": ["1", "5"]})
    db = tmp_path / "wh.db"
    pd.DataFrame({"feedback_id": ["review:1"], "text": ["阿姨态度很凶"], "category": ["attitude"],
                  "polarity": [-1], "corrected_by": ["qa"], "corrected_at": ["2025-01-01"]}).to_sql(
        "label_corrections", sa.create_engine(f"sqlite:///{db}"), index=False)
    out = tmp_path / "model"
    code = main(["train", "--tiny", "--n-generated", "100", "--output", str(out), "--data", str(data),
                 "--corrections-url", f"sqlite:///{db}"])
    assert code == 0
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert card["data_sizes"]["user"] == 2 + 3  # two rows + one correction weighed three times
    assert "1 label corrections" in capsys.readouterr().err


def test_train_rejects_a_file_without_labels(tmp_path: Path, capsys):
    data = _csv(tmp_path, {"text": ["好"]})
    assert main(["train", "--output", str(tmp_path / "m"), "--data", str(data)]) == 2
    assert "no labelled rows" in capsys.readouterr().err


def _csv(directory: Path, columns: dict) -> Path:
    path = directory / "data.csv"
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def _bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
