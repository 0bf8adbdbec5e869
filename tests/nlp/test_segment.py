"""The project tokenizer keeps home-service terms whole and never touches jieba's global state."""
import jieba

from nlp.segment import cache_dir, cut, cut_many, domain_words, get_tokenizer


def test_domain_terms_stay_whole():
    words = cut("育儿嫂拍嗝手法不专业，开荒保洁的阿姨放鸽子了，油烟机也没擦干净")
    for term in ("育儿嫂", "拍嗝", "开荒保洁", "放鸽子", "油烟机", "没擦干净"):
        assert term in words, (term, words)


def test_more_domain_terms():
    words = cut("月嫂改期又爽约，派单慢，还要加钱和小费，擦玻璃有死角")
    for term in ("月嫂", "改期", "爽约", "派单", "加钱", "小费", "擦玻璃", "死角"):
        assert term in words, (term, words)


def test_tokenizer_is_explicit_cached_and_not_the_global_one():
    tok = get_tokenizer()
    assert tok is get_tokenizer()
    assert tok is not jieba.dt
    assert tok.tmp_dir == cache_dir()
    assert "育儿嫂" in domain_words() and len(domain_words()) > 300


def test_cut_many_and_empty():
    assert cut("") == [] and cut(None) == []
    out = cut_many(["阿姨很准时", "", "上门服务很好"])
    assert out[1] == [] and "准时" in out[0] and "上门服务" in out[2]
    assert all(w.strip() for w in cut("阿姨  很 好"))


def test_cut_without_hmm_is_jieba_s_word_for_word():
    """`cut(hmm=False)` walks jieba's dictionary itself (faster); every word must be jieba's."""
    import random

    tok = get_tokenizer()
    sentences = [
        "阿姨迟到了一个小时，态度还很差，地板也没拖干净", "育儿嫂拍嗝手法不专业，开荒保洁的阿姨放鸽子了",
        "Wi-Fi信号差，3.5星，100%不推荐！！", "ABC阿姨123很好abc，C++程序员#1 & co.",
        "房间 很 干净\r\n服务\t周到", "😀好评👍，下次还点这家的麻辣香锅", "ｗｉｆｉ不好用", "a b  c", "，。！",
    ]
    rng = random.Random(0)
    alphabet = "的了阿姨师傅很好不错差迟到态度专业干净上门服务育儿嫂abcXYZ0123 ，。！?-_.%#&+\t\n😀"
    sentences += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(2000)]
    for text in sentences:
        assert cut(text, hmm=False) == [w for w in tok.cut(text, HMM=False) if w.strip()], text
