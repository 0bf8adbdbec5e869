"""Long, dense texts are analysed in linear time (no regex backtracking, no quadratic sweeps)."""
import time

import pytest

from nlp.evidence import explain, find_evidence
from nlp.lexicon_files import lexicon_from_texts, load_lexicon
from nlp.lexicon_files import read_files as read_lexicon_files
from nlp.rules import RuleClassifier
from nlp.text import mask_pii, normalise

N_CHARS = 100_000
LIMIT_S = 5.0  # each call takes ~0.1-0.8 s on an idle core; quadratic code took 30+ s


def _repeat(unit: str) -> str:
    return (unit * (N_CHARS // len(unit) + 1))[:N_CHARS]


LONG_TEXTS = {
    "dense": _repeat("服务态度很好但是迟到了好久"),
    "same_char": "好" * N_CHARS,
    "number_run": "多" * N_CHARS,
    "targets": _repeat("服务员很好阿姨态度"),
    "numbers": _repeat("等了30分钟服务态度很好"),
}


def _seconds(fn, text: str) -> float:
    t0 = time.perf_counter()
    fn(text)
    return time.perf_counter() - t0


@pytest.mark.parametrize("name", sorted(LONG_TEXTS))
def test_long_text_is_analysed_in_linear_time(name):
    text = LONG_TEXTS[name]
    rules = RuleClassifier()
    lex = load_lexicon()
    calls = {
        "normalise": normalise,
        "mask_pii": mask_pii,
        "find_evidence": lambda t: find_evidence(t, lex),
        "explain": lambda t: explain(t, ["attitude", "skill", "logistics"], lex),
        "predict": lambda t: rules.predict([t]),
    }
    slow = {fn_name: round(s, 2) for fn_name, fn in calls.items() if (s := _seconds(fn, text)) >= LIMIT_S}
    assert not slow, f"{name}: {slow}"


def test_long_text_results_match_the_short_text():
    """The speed-ups change nothing: a repeated review gives the same labels as one copy."""
    rules = RuleClassifier()
    one = rules.predict_one("等了30分钟服务态度很好，但是打扫得不干净")
    many = rules.predict_one("。".join(["等了30分钟服务态度很好，但是打扫得不干净"] * 2000))
    for col in ("attitude", "skill", "logistics", "labels", "subreasons"):
        assert one[col] == many[col], col
    assert one["logistics"] == -1 and one["skill"] == -1


def test_lexicon_rejects_unbounded_regex_repetition():
    files = read_lexicon_files(None)
    bad = files["aspects.txt"].replace("]{1,8}", "]+", 1)
    assert bad != files["aspects.txt"]
    with pytest.raises(ValueError, match="bound its repetitions"):
        lexicon_from_texts({**files, "aspects.txt": bad})
