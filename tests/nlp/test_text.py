"""Normalisation and PII masking on realistic (and tricky) feedback texts."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.text import mask_pii, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   \t\n ", ""),
        ("ＡＢＣ１２３阿姨很好", "ABC123阿姨很好"),
        ("阿姨很好,就是遲到了　　半小時!!", "阿姨很好，就是迟到了 半小时！!"),
        ("14:30到的,价格¥２６８", "14:30到的，价格¥268"),
        ("衛生間很乾淨，態度也好", "卫生间很干净，态度也好"),
        ("<p>阿姨&amp;师傅<br/>都很好</p>", "阿姨&师傅 都很好"),
        ("太棒了👍🏻😊", "太棒了👍🏻😊"),
        ("一家人👨\u200d👩\u200d👧都满意", "一家人👨\u200d👩\u200d👧都满意"),
        ("好\u200b评\ufeff\x00\x07", "好评"),
        ("服务很好。。。。。。", "服务很好。。。"),
        ("价格<100元，很划算", "价格<100元，很划算"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_normalise_drops_lone_surrogates_and_keeps_pairs():
    assert normalise("ok\ud800好\ud83d\ude00") == "ok好😀"


def test_normalise_is_idempotent_and_linear_on_long_text():
    text = ("阿姨 <b>很好</b>，ＯＫ！" * 20000) + "<" * 50000
    once = normalise(text)
    assert normalise(once) == once
    assert len(once) > 100000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("我电话138 1234 5678，有事打我", "我电话[手机号]，有事打我"),
        ("手机+86-138-1234-5678", "手机[手机号]"),
        ("手机号13812345678。", "手机号[手机号]。"),
        ("尾号138****5678的客户", "尾号[手机号]的客户"),
        ("座机010-12345678或0755-1234567", "座机[电话]或[电话]"),
        ("(021)87654321", "[电话]"),
        ("身份证11010519900307123X", "身份证[身份证]"),
        ("卡号6222 0212 3456 7890 123", "卡号[银行卡]"),
        ("退款到6222021234567890", "退款到[银行卡]"),
        ("发到zhang.san@example.com谢谢", "发到[邮箱]谢谢"),
        ("加我微信：zhangsan_88", "加我微信：[微信]"),
        ("vx 13812345678", "vx [微信]"),
        ("V信abc12345联系", "V信[微信]联系"),
        ("QQ: 12345678", "QQ: [QQ]"),
        ("地址：上海市浦东新区世纪大道100号阳光花园3栋2单元502室", "地址：[地址]"),
        ("幸福小区5号楼1203", "[地址]"),
        ("南京西路1266弄", "[地址]"),
        ("今天阿姨来阳光小区打扫", "今天阿姨来[地址]打扫"),
        ("李女士反映王阿姨很好", "[姓名]反映王阿姨很好"),
        ("谢谢张先生", "谢谢[姓名]"),
        ("张伟先生投诉", "[姓名]投诉"),
        ("联系人：王小明", "联系人：[姓名]"),
        ("我叫陈静，", "我叫[姓名]，"),
    ],
)
def test_mask_pii_masks(raw, expected):
    assert mask_pii(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "订单号2024050312345，订单O00012345，费用¥268，共268元",
        "2024-05-03 14:30上门，5月3日，3号上午，做了3小时",
        "订单号：2024050312345678 已完成",
        "工单W0001 R00000001 C000001",
        "在2楼等，3号到，客服400-820-8820",
        "我们小区的阿姨都很好，我先生说很满意",
        "王阿姨、李阿姨、张师傅都很专业",
        "一路上很顺利，走路过来的",
    ],
)
def test_mask_pii_keeps_service_facts(text):
    assert mask_pii(text) == text


def test_mask_pii_empty_and_idempotent():
    assert mask_pii(None) == ""
    assert mask_pii("") == ""
    once = mask_pii("电话13812345678，住幸福小区5号楼1203，李女士")
    assert mask_pii(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("微信同号13812345678", "微信同号[手机号]"),
        ("阿姨电话是138-0013-8000", "阿姨电话是[手机号]"),
        ("18812345678阿姨说", "[手机号]阿姨说"),
        ("身份证号码：44030119851212345x", "身份证号码：[身份证]"),
        ("房间号1502", "房间号[地址]"),
        ("住在3楼302", "住在[地址]"),
    ],
)
def test_mask_pii_more(raw, expected):
    assert mask_pii(raw) == expected


@pytest.mark.parametrize(
    "text", ["订单号13812345678", "价格¥1380，13800元", "9:00-12:00，2024/05/03，20240503", "268-300元",
             "打了12345热线", "工号8866的阿姨", "在2楼等，一楼大厅"],
)
def test_mask_pii_keeps_more(text):
    assert mask_pii(text) == text


_alphabet = st.sampled_from(list("阿姨很好不迟到了，。！? 0123456789１２-+@.<>/&;abcXx微信号路小区栋室女士先生王李") +
                            ["\u200b", "\x00", "\ud800", "😊", "👨\u200d👩", "\u3000", "訂單", "態度"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=60).map("".join))
def test_normalise_and_mask_never_fail(text):
    once = normalise(text)
    assert normalise(once) == once
    assert not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in once)
    masked = mask_pii(once)
    assert mask_pii(masked) == masked


@pytest.mark.parametrize("unit", ["1", "中山路中山路号", "王先生李女士", "a@", "微信微信", "阳光花园小区3栋", "<a "])
def test_mask_pii_stays_linear_on_adversarial_input(unit):
    import time

    text = unit * (20000 // len(unit))
    t0 = time.perf_counter()
    mask_pii(text)
    assert time.perf_counter() - t0 < 2.0
