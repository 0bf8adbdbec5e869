"""Evidence spans with negation, contrast and aspect targets."""
import time

from nlp.evidence import analyse, explain, find_evidence, find_hits
from nlp.lexicon_files import load_lexicon


def test_cues_are_found_per_category():
    ev = find_evidence("阿姨迟到了一个小时，还一直玩手机")
    assert any("迟到" in s for s in ev["logistics"])
    assert any("玩手机" in s for s in ev["attitude"])
    assert "skill" not in ev


def test_negation_turns_praise_into_complaint_and_back():
    hits = find_hits("一点也不热情")["attitude"]
    assert [(h.span, h.polarity) for h in hits] == [("一点也不热情", -1)]
    assert find_hits("不准时")["logistics"][0].polarity == -1
    assert find_hits("阿姨从来没有迟到过")["logistics"][0].polarity == 1
    assert find_hits("不迟到")["logistics"][0].polarity == 1
    assert find_hits("服务员不是很热情")["attitude"][0].polarity == -1
    # a negator far away does not reach the cue
    assert find_hits("要小费，不给就甩脸色")["attitude"][-1].polarity == -1


def test_targets_take_clause_sentiment():
    hits = find_hits("服务员态度一般，上菜很慢，味道还不错")
    assert [h.polarity for h in hits["logistics"]] == [-1]
    assert "上菜很慢" in [h.span for h in hits["logistics"]]
    assert hits["skill"][0].polarity == 1
    mention = find_hits("今天的服务员是个小姑娘")["attitude"]
    assert [h.polarity for h in mention] == [0]


def test_subreasons_on_complaints():
    hits = find_hits("阿姨没带工具，用我家的抹布，油烟机也没洗干净，还打碎了一个碗")
    subs = {h.subreason for hs in hits.values() for h in hs if h.polarity < 0}
    assert {"logistics.missing_tools", "skill.damage"} <= subs
    assert subs & {"skill.not_clean", "skill.appliance"}


def test_contrast_weights_the_second_half():
    an = analyse("虽然有点慢，但是阿姨做得非常干净，很满意")
    assert an.sentiment > 0.3
    an = analyse("阿姨人挺好的，但是打扫得太不干净了，很失望")
    assert an.sentiment < -0.3


def test_explain_falls_back_to_sentiment_words():
    out = explain("阿姨迟到了，不过人很好", ["logistics", "attitude", "skill"])
    assert out["logistics"] == ["迟到"]
    assert out["attitude"] == ["人很好"]
    assert explain("总之太失望了，差评", ["skill"], polarities={"skill": -1})["skill"][0] in ("太失望", "差评")
    assert explain("", ["skill"]) == {"skill": []}


def test_find_evidence_is_fast():
    lex = load_lexicon()
    texts = ["阿姨今天迟到了半小时，不过打扫得很干净，就是有点不耐烦，下次", "服务员态度很好，上菜速度也快，菜的味道一般，环境还可以吧"] * 500
    t0 = time.perf_counter()
    for t in texts:
        find_evidence(t, lex)
    rate = len(texts) / (time.perf_counter() - t0)
    # ~15-25k/s on an idle core, 2k with training beside it: this catches a pathological (quadratic)
    # reader, not a speed target (bench/rules_throughput.py measures speed)
    assert rate > 300


def test_comparisons_that_deny_praise_are_negative():
    for text in ("没有以前好吃了", "味道不如以前好", "没有想象中那么好", "没有店里的好吃"):
        assert analyse(text).sentiment < 0, text
    assert analyse("没想到这么好吃").sentiment > 0  # surprise, not a comparison


def test_coming_back_or_not_is_the_verdict():
    for text in ("下次不点了", "以后不会再买了", "再也不找这家了"):
        assert analyse(text).sentiment < 0, text
    for text in ("下次还点", "阿姨很好，还会再约"):
        assert analyse(text).sentiment > 0, text


def test_a_summary_outweighs_the_details_before_it():
    an = analyse("房间有点旧，早餐一般，隔音差。总的来说还不错，性价比挺高，下次还会住。")
    assert an.sentiment > 0
    details_only = analyse("房间有点旧，早餐一般，隔音差。")
    assert details_only.sentiment < 0


def test_business_trip_is_not_bad():
    an = analyse("这次出差住的，各方面都不错")
    assert an.sentiment > 0 and all(span != "差" for span, _ in an.sentiment_terms)
