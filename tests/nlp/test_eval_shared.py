"""Evaluation: skips cleanly without ../shared/eval; metrics and table on a tiny fake eval folder."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nlp.evaluate import (Row, aspect_scores, eval_available, load_eval, markdown_table, split_own_data,
                          tfidf_lr_accuracy)
from pipelines.cli import main


def test_evaluate_skips_cleanly_without_eval_data(tmp_path: Path, capsys):
    assert main(["evaluate", "--eval-dir", str(tmp_path / "absent")]) == 0
    assert "skipping" in capsys.readouterr().err


def test_bench_script_skips_too(tmp_path: Path, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("evaluate_classifier",
                                                  Path(__file__).parents[2] / "bench/evaluate_classifier.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--eval-dir", str(tmp_path)]) == 0
    assert "skipping" in capsys.readouterr().err


def _fake_eval(root: Path) -> Path:
    (root / "sentiment").mkdir(parents=True)
    (root / "aspects").mkdir()
    reviews = pd.DataFrame({"label": [1, 0, 1, 0] * 5,
                            "review": ["好吃送餐快", "太慢了难吃", "服务很好", "态度差"] * 5})
    reviews.to_csv(root / "sentiment/waimai_10k.csv", index=False)
    reviews.to_csv(root / "sentiment/ChnSentiCorp_htl_all.csv", index=False)
    asap = pd.DataFrame({"index": [1, 2], "reviewbody": ["服务员态度很差，上菜慢", "味道不错"], "star": [1, 5],
                         "service_wait_time": [-2, -2], "service_waiters_attitude": [-1, -2],
                         "service_serving_speed": [-1, -2], "dish_taste": [-2, 1]})
    for name in ("train", "dev", "test"):
        asap.to_csv(root / f"aspects/{name}_sample.csv", index=False, encoding="utf-8-sig")
    return root


def test_fake_eval_folder_loads_with_the_readme_mapping(tmp_path: Path):
    root = _fake_eval(tmp_path)
    assert eval_available(root)
    data = load_eval(root)
    assert len(data.waimai) == 20 and len(data.aspects) == 6
    assert data.aspects["logistics"].tolist()[:2] == [-1, -2]
    predicted = pd.DataFrame({"attitude": pd.array([-1, pd.NA] * 3, dtype="Int64"),
                              "logistics": pd.array([1, pd.NA] * 3, dtype="Int64"),
                              "skill": pd.array([pd.NA, 1] * 3, dtype="Int64")})
    scores = aspect_scores(data.aspects, predicted)
    assert scores["asap_attitude_mentioned_f1"] == 1.0 and scores["asap_attitude_complaint_f1"] == 1.0
    assert scores["asap_logistics_mentioned_f1"] == 1.0 and scores["asap_logistics_complaint_f1"] == 0.0


@pytest.mark.slow
def test_own_data_split_and_tfidf_baseline(tmp_path: Path):
    data = load_eval(_fake_eval(tmp_path))
    train, test = split_own_data(data.waimai)
    assert len(train) == 16 and len(test) == 4
    assert tfidf_lr_accuracy(train, test) == 1.0


def test_table_has_one_line_per_method():
    table = markdown_table([Row("a", {"waimai_acc": 0.9}, 100.0), Row("b", {"own_data_acc": 0.5})])
    lines = table.splitlines()
    assert len(lines) == 4 and "0.900" in lines[2] and "—" in lines[3]


@pytest.mark.slow
def test_evaluate_end_to_end_on_fake_data(tiny_model_dir: Path, tmp_path: Path, capsys):
    root = _fake_eval(tmp_path)
    assert main(["evaluate", "--eval-dir", str(root), "--model-dir", str(tiny_model_dir),
                 "--skip-own-data"]) == 0
    out = capsys.readouterr().out
    assert "keyword rules" in out and "SnowNLP" in out and out.count("\n") >= 4


@pytest.mark.slow
def test_own_data_path_reports_the_whole_and_its_parts(tmp_path: Path, monkeypatch):
    import itertools

    import nlp.settings
    from nlp.evaluate import own_data_accuracy

    # the evaluation trains a full-size model; a tiny one checks the plumbing in seconds
    monkeypatch.setattr(nlp.settings, "NLPSettings", nlp.settings.NLPSettings.tiny)
    praise = ["骑手送得很快，饭菜还是热的", "分量足，味道正宗", "包装很用心，汤一点没洒"]
    complaint = ["等了两个小时才送到，菜都凉了", "分量太少，米饭还夹生", "汤洒了一袋子，包装太差"]
    tails = ["", "。", "！", "，下次还点" , "，写个评价", "，第二次下单", "~", "，就这样", "呀", "啊"]
    rows = [(1, p + t) for p, t in itertools.product(praise, tails)]
    rows += [(0, c + t) for c, t in itertools.product(complaint, tails)]
    frame = pd.DataFrame(rows * 2, columns=["label", "text"])
    train, test = split_own_data(frame)
    scores = own_data_accuracy(train, test, tmp_path / "own", epochs=1, progress=lambda line: None)
    assert set(scores) == {"ours", "network", "wordbag"}
    assert all(0.0 <= v <= 1.0 for v in scores.values())
    assert scores["wordbag"] >= 0.9  # the user's own phrases, seen in training, read right


def _bench_module(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[2] / f"bench/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_zero_shot_ceiling_sweeps_thresholds_and_counts_opposed_misses(tiny_model_dir: Path, tmp_path: Path,
                                                                       capsys):
    import numpy as np

    ceiling = _bench_module("zero_shot_ceiling")
    assert ceiling.main(["--eval-dir", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out
    scores = {"a": np.array([0.3, -0.2, 0.1, -0.6])}
    labels = {"a": np.array([True, False, False, True])}
    table = ceiling.sweep(scores, labels)
    assert table.set_index("threshold").loc[0.0, "a"] == 0.5
    assert table.set_index("threshold").loc[0.1, "a"] == 0.75  # 0.1 > 0.1 is false: the third is right now
    # misses at 0: the third (negative, read +0.1) and the fourth (positive, read -0.6); only the
    # fourth has strong lexicon evidence against its label
    assert ceiling.opposed_misses(scores["a"], np.array([0.5, 0.0, 0.2, -0.8]), labels["a"]) == (2, 1)
    root = _fake_eval(tmp_path / "eval")
    assert ceiling.main(["--eval-dir", str(root), "--model-dir", str(tiny_model_dir), "--sample", "20"]) == 0
    out = capsys.readouterr().out
    assert "accuracy by threshold" in out and "waimai: positive share 0.500" in out and "hotel:" in out
    assert "ASAP mention F1" in out and "attitude: 3 of 6 reviews mentioned" in out


def test_tuning_parts_cover_every_row_once(tmp_path: Path):
    from nlp.eval_splits import asap_parts, sentiment_parts

    data = load_eval(_fake_eval(tmp_path))
    parts = sentiment_parts(data.waimai)
    assert [len(parts[p]) for p in ("dev", "test", "untouched")] == [10, 10, 0]  # 20 rows < the 3,000 sample
    assert sorted(pd.concat(parts.values()).index) == list(range(20))
    assert [len(p) for p in asap_parts(data.aspects).values()] == [6, 0]


def test_tuning_parts_of_the_real_files_match_the_tuning_sample():
    from nlp.eval_splits import sentiment_parts
    from nlp.evaluate import DEFAULT_EVAL_DIR

    root = Path(__file__).parents[2] / DEFAULT_EVAL_DIR
    if not eval_available(root):
        pytest.skip("no ../shared/eval on this machine")
    whole, tuned = load_eval(root), load_eval(root, sample=3000)
    parts = sentiment_parts(whole.waimai)
    assert parts["dev"]["text"].tolist() == tuned.waimai["text"].iloc[:1500].tolist()
    assert parts["test"]["text"].tolist() == tuned.waimai["text"].iloc[1500:].tolist()
    assert len(parts["untouched"]) == len(whole.waimai) - 3000
    assert not set(parts["untouched"].index) & set(parts["dev"].index)


@pytest.mark.slow
def test_split_table_scores_each_part(tiny_model_dir: Path, tmp_path: Path):
    from nlp.eval_splits import run_split_evaluation

    table = run_split_evaluation(_fake_eval(tmp_path), tiny_model_dir, progress=lambda line: None)
    lines = table.splitlines()
    assert lines[0].startswith("| measure | ours: dev | ours: test | ours: untouched | rules: dev")
    cells = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]] for line in lines[2:8]}
    # the rules read the four fake reviews right; the 20-row files have no untouched rows, ASAP no test rows
    assert cells["waimai acc"][3:] == ["1.000", "1.000", "—"] and cells["waimai acc"][2] == "—"
    assert cells["ASAP attitude complaint F1"][3:] == ["1.000", "—", "—"]
    assert all(0.0 <= float(c) <= 1.0 for c in cells["hotel acc"][:2])
    assert "untouched: 0 waimai, 0 hotel" in table
