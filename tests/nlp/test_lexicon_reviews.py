"""Lexicon knowledge of everyday food and lodging reviews (sentences written for these tests)."""
from nlp.evidence import analyse, find_hits
from nlp.lexicon_files import load_lexicon


def _terms(text: str) -> dict[str, float]:
    return dict(analyse(text).sentiment_terms)


def test_a_degree_word_inside_a_cue_phrase_scales_its_sentiment():
    assert _terms("太难吃")["太难吃"] < _terms("难吃")["难吃"] < 0
    assert _terms("非常热情")["非常热情"] > _terms("热情")["热情"] > 0
    lex = load_lexicon()
    # a word that merely starts with a degree character keeps its own value
    assert lex.tokens["真诚"].sentiment is None
    # the aspect hit itself keeps its weight
    assert find_hits("太难吃")["skill"][0].weight == find_hits("难吃")["skill"][0].weight


def test_a_bad_dish_outweighs_a_quick_delivery():
    assert analyse("配送挺快的，可是这份炒面太难吃了").sentiment < 0
    assert analyse("送得很快，味道也不错").sentiment > 0


def test_portions_texture_and_wrong_orders_are_complaints():
    for text in ("米饭少得可怜", "牛肉太老，咬不动", "汤里就一块肉", "点的鸡腿饭给错了", "菜有点腻", "饼太干了"):
        assert analyse(text).sentiment < 0, text


def test_innocent_compounds_of_complaint_characters_stay_neutral():
    for text in ("酒店硬件不错", "口味清淡，很好吃", "柴鸡汤很鲜美", "淡季住的，很安静"):
        an = analyse(text)
        assert an.sentiment > 0 and all(v > 0 for _, v in an.sentiment_terms), text


def test_rooms_and_noise():
    for text in ("房间很旧，隔壁吵闹", "卫生间简陋，床单肮脏", "晚上被噪音吵醒"):
        assert analyse(text).sentiment < 0, text


def test_deliveries_that_took_hours_are_late():
    for text in ("这单足足送了三个多小时", "等了俩钟头才吃上", "四个小时才送到"):
        hits = find_hits(text)["logistics"]
        assert [h.polarity for h in hits] == [-1], text


def test_restaurant_serving_words_are_logistics_targets():
    assert find_hits("走菜也快")["logistics"][0].polarity == 1
    assert find_hits("等的时间太久了")["logistics"][0].polarity == -1


def test_a_crowd_is_not_a_nice_person():
    assert "attitude" not in find_hits("店里人好多，生意火爆")
    assert find_hits("老板人好，还送了饮料")["attitude"][0].polarity == 1


def test_a_business_reply_is_not_the_customers_voice():
    an = analyse("房间太小，隔音也不好。酒店反馈：非常感谢您的点评，欢迎再次光临，我们很满意您的建议")
    assert an.sentiment < 0
    assert all(v < 0 for _, v in an.sentiment_terms)


def test_names_that_contain_praise_words_are_not_praise():
    for text in ("住的是快捷酒店", "前台送了一包开心果"):
        assert all(v <= 0 for _, v in analyse(text).sentiment_terms), text
    assert analyse("我从来没给差评").sentiment > 0
    assert analyse("这家的面不是多好吃").sentiment < 0
