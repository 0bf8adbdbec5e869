"""PII masking for Chinese customer feedback: ``mask_pii`` removes what identifies a customer
before text is stored or shown (after ``nlp.text.normalise``); pure, linear-time, safe on any ``str``.

Masking decisions (see the tests for the tricky cases):

* Numbers that describe the service survive: prices (¥268, 268元), dates (2024-05-03, 5月3日, 3号),
  times (14:30), durations (3小时), quantities, and **order ids**: ids with a letter prefix
  (O00012345, R00000001, W0001) and any digits directly after 订单/单号/订单号/工单/编号.
* Phone-like numbers: mobile (``[手机号]``, also ``138 1234 5678``, ``+86``, dashes, ``138****5678``),
  landlines with an area code and a separator (``[电话]``, ``010-12345678``, ``(0755)1234567``);
  400/800 company hotlines are kept (they are public, not personal).
* 18-character ID cards (``[身份证]``), 16–19 digit bank cards (``[银行卡]``), e-mail (``[邮箱]``),
  WeChat/QQ ids after 微信/vx/V信/wx/QQ (``[微信]``/``[QQ]``; the keyword itself is kept).
* Addresses (``[地址]``): a road/street with a house number (中山路123号), a named residential
  compound (阳光花园, 幸福小区), and building/unit/room parts (3栋2单元502, 1502室, 5号楼).
  A floor alone (2楼) and a day-of-month (3号) are not addresses.
* Names (``[姓名]``): customers are addressed as 李女士/王先生/张小姐/刘太太 (masked, also with a
  given name: 张伟先生), or introduced (我叫张三, 联系人：张三). **X阿姨/X师傅/X姐 are kept**: in
  家政 reviews that is how the customer addresses the *worker*, whose identity the system already
  holds as ``worker_id``; the surname adds nothing identifying about the customer and removing
  阿姨 would remove the aspect target the classifier needs.
"""

from __future__ import annotations

import re

__all__ = ["PII_TAGS", "mask_pii"]

PII_TAGS = ("[手机号]", "[电话]", "[身份证]", "[银行卡]", "[邮箱]", "[微信]", "[QQ]", "[地址]", "[姓名]")


_D = r"[0-9０-９]"  # digits, also full-width ones (mask_pii may see un-normalised text)
_NB = r"(?<![0-9０-９A-Za-z])"  # not glued to a preceding digit/letter (keeps O00012345 intact)
_NA = r"(?![0-9０-９A-Za-z])"

# Spans that must survive: order ids after a keyword, and letter-prefixed ids.
_PROTECT_RE = re.compile(
    rf"(?:订单编号|订单号码|订单号|订单|单号|工单号|工单|编号|流水号|[Oo]rder\s*(?:[Ii][Dd]|[Nn]o\.?)?)"
    rf"\s*(?:[:：#＃是为]\s*)?[A-Za-z]{{0,3}}{_D}[0-9０-９-]{{3,39}}{_NA}"
    rf"|(?<![A-Za-z0-9])[A-Z]{{1,2}}{_D}{{4,}}{_NA}",
)

_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,5}\.[A-Za-z]{2,24}(?![A-Za-z])")
_WECHAT_RE = re.compile(
    r"(?P<kw>微信号?|威信|薇信|v信|V信|vx|VX|Vx|vX|wx|WX|Wx|weixin|wechat|WeChat)"
    r"(?P<sep>\s*(?:号|号码|id|ID)?\s*(?:[:：是为]|加)?\s*)"
    r"(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19}|[0-9]{5,20})(?![-_A-Za-z0-9])"
)
_QQ_RE = re.compile(r"(?P<kw>(?<![A-Za-z])(?:QQ|qq|Qq|扣扣))(?P<sep>\s*(?:号|号码)?\s*[:：是为]?\s*)(?P<id>[1-9][0-9]{4,11})(?![0-9])")
_ID_CARD_RE = re.compile(
    rf"{_NB}[1-9]{_D}{{5}}(?:18|19|20){_D}{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]{_D}|3[01]){_D}{{3}}[0-9Xx]{_NA}"
)
_MOBILE_RE = re.compile(
    rf"(?:(?:\+|00)?86[\s-]?|(?<![0-9A-Za-z+]))1[3-9]{_D}(?:[\s-]?{_D}{{4}}[\s-]?{_D}{{4}}|\*{{4}}{_D}{{4}}|{_D}{{1,4}}\*{{3,8}}{_D}{{0,4}}){_NA}"
)
_BANK_RE = re.compile(rf"{_NB}(?:{_D}{{4}}[\s-]){{3}}{_D}{{4}}(?:[\s-]?{_D}{{1,3}})?{_NA}|{_NB}{_D}{{16,19}}{_NA}")
_LANDLINE_RE = re.compile(
    rf"{_NB}(?:\(0{_D}{{2,3}}\)\s?|（0{_D}{{2,3}}）\s?|0[1-9]{_D}{{1,2}}[\s-]){_D}{{7,8}}(?:-{_D}{{1,5}})?{_NA}"
    rf"|(?<=电话)[:：\s]*0[1-9]{_D}{{9,10}}{_NA}"
)

# --- addresses ---
_HAN = "\u4e00-\u9fff"
# characters that do not belong inside a place name (function words, verbs around addresses)
_STOP = "的了在来去到是我你他她它们这那个和跟给把被从住家门口里边旁附近对面楼下上前后就也都还很又请帮约找说"
_PLACE = rf"(?:[{_HAN}A-Za-z0-9](?<![{_STOP}]))"
_NUM = r"[0-9０-９A-Za-z一二三四五六七八九十百零〇两]{1,6}"
_ROAD = rf"{_PLACE}{{2,8}}(?:路|街|大街|大道|巷|胡同|弄|里)"
_COMPOUND = rf"{_PLACE}{{2,6}}(?:小区|花园|家园|公寓|大厦|新村|新城|苑|庭|华府|公馆|花苑|广场|社区)"
_UNIT = rf"{_NUM}(?:号楼|栋|幢|座|单元|号院|室|户|楼|层|号)"
_ADDRESS_RE = re.compile(
    # road + house number, optionally followed by compound and unit parts
    rf"(?:[{_HAN}]{{2,5}}(?:省|市|区|县)){{0,3}}{_ROAD}{_NUM}(?:号|弄|巷)(?:{_COMPOUND})?(?:{_UNIT}|{_NUM}(?=室|$|[^0-9]))*"
    # named compound, optionally followed by unit parts and a bare room number
    rf"|(?:[{_HAN}]{{2,5}}(?:省|市|区|县)){{0,3}}(?:{_ROAD})?{_COMPOUND}(?:{_UNIT})*(?:[0-9]{{3,4}}(?![0-9]))?"
    # building/unit/room without a compound name: needs 栋/幢/单元/号楼/室/座 somewhere
    rf"|{_NB}{_NUM}(?:号楼|栋|幢|单元|座)(?:{_UNIT})*(?:[0-9]{{3,4}}(?![0-9]))?"
    rf"|{_NB}[0-9]{{3,4}}室"
    # floor + room (3楼302), and numbers introduced as room / door numbers (房间号1502)
    rf"|{_NB}[0-9]{{1,2}}(?:楼|层)[0-9]{{3,4}}(?![0-9])"
    rf"|(?<=房间号|门牌号)[:：\s]*[A-Za-z]?[0-9]{{2,5}}(?![0-9])|(?<=房号|门牌|房间)[:：\s]*[A-Za-z]?[0-9]{{3,5}}(?![0-9])"
)

# --- names ---
_SURNAMES_1 = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_SURNAMES_2 = "欧阳|司马|诸葛|上官|东方|慕容|令狐|皇甫|尉迟|公孙|长孙|宇文|司徒|夏侯|轩辕|端木|独孤|南宫"
_HONORIFIC = "女士|先生|小姐|太太|夫人"
_NAME_HONORIFIC_RE = re.compile(rf"(?:{_SURNAMES_2}|[{_SURNAMES_1}])(?:{_HONORIFIC})")
# full name + honorific, only where the name plausibly starts (text start, non-Chinese, or a verb)
_FULLNAME_HONORIFIC_RE = re.compile(
    rf"(?:(?<![{_HAN}])|(?<=[找给和跟请叫是对向让被系问]))(?:{_SURNAMES_2}|[{_SURNAMES_1}])"
    rf"[{_HAN}](?<![的了是在和跟给我你他她])[{_HAN}]?(?<![的了是在和跟给我你他她])(?:{_HONORIFIC})"
)
_INTRODUCED_NAME_RE = re.compile(
    rf"(?P<kw>我叫|我的名字是|本人叫|本人姓名|姓名|联系人|收货人|收件人|客户姓名|户主)(?P<sep>\s*[:：是为]?\s*)"
    rf"(?P<name>(?:{_SURNAMES_2}|[{_SURNAMES_1}])[{_HAN}]{{1,2}})(?![{_HAN}]{{2}})"
)
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")


def _mask_unprotected(text: str) -> str:
    text = _ID_CARD_RE.sub("[身份证]", text)
    text = _MOBILE_RE.sub("[手机号]", text)
    text = _BANK_RE.sub("[银行卡]", text)
    text = _LANDLINE_RE.sub("[电话]", text)
    text = _ADDRESS_RE.sub("[地址]", text)
    text = _INTRODUCED_NAME_RE.sub(lambda m: m.group("kw") + m.group("sep") + "[姓名]", text)
    text = _NAME_HONORIFIC_RE.sub("[姓名]", text)
    text = _FULLNAME_HONORIFIC_RE.sub("[姓名]", text)
    return text


def mask_pii(text: str | None) -> str:
    """Replace personal data by tags (``[手机号]``, ``[地址]``, ...); see the module docstring."""
    if not text:
        return ""
    if not isinstance(text, str):
        text = str(text)
    protected: list[str] = []

    def _protect(m: re.Match) -> str:
        protected.append(m.group(0))
        return f"\ue000{len(protected) - 1}\ue001"

    if "@" in text:
        text = _EMAIL_RE.sub("[邮箱]", text)
    # keyword-introduced ids first: they may look like protected order ids (abc12345)
    text = _WECHAT_RE.sub(lambda m: m.group("kw") + m.group("sep") + "[微信]", text)
    text = _QQ_RE.sub(lambda m: m.group("kw") + m.group("sep") + "[QQ]", text)
    if any(c.isdigit() for c in text):
        text = _PROTECT_RE.sub(_protect, text)
    text = _mask_unprotected(text)
    if protected:
        text = _PLACEHOLDER_RE.sub(lambda m: protected[int(m.group(1))], text)
    return text
