"""Inbox file readers: encodings, formats, bad lines, file-level errors, column mapping."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from storage.inbox_files import INBOX_COLUMNS, InboxFileError, file_sha256, read_inbox_file

HEADER = "id,kind,worker_id,order_id,created_at,channel,rating,text"
ROWS = [
    "r1,review,W0001,O1,2026-11-20 10:00:00,app,5,阿姨很准时，打扫得很干净👍",
    'r2,review,W0002,O2,2026-11-20 11:00:00,app,2,"迟到了40分钟，态度差,还要小费"',
    "c1,complaint,W0003,O3,2026-11-20 12:00:00,hotline,,客户反映阿姨迟到一小时且未提前告知，要求退款",
]


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def csv_text(rows: list[str] = ROWS, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    rows = [r.replace("👍", "") for r in ROWS] if encoding == "gbk" else ROWS
    read = read_inbox_file(write(tmp_path, "x.csv", csv_text(rows), encoding))
    assert list(read.frame.columns) == [*INBOX_COLUMNS, "extra"]
    assert read.frame["text"].tolist()[1] == "迟到了40分钟，态度差,还要小费"
    assert read.frame["id"].tolist() == ["r1", "r2", "c1"]
    assert read.frame["rating"].isna().tolist() == [False, False, True]
    assert read.bad_lines == []
    assert read.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    assert read.source_lines == [2, 3, 4]


def test_one_invalid_byte_in_utf8_csv_quarantines_that_line_only(tmp_path: Path) -> None:
    data = csv_text().encode("utf-8").replace("打扫".encode("utf-8"), b"\xff\xfe")
    read = read_inbox_file(write(tmp_path, "x.csv", data))
    assert read.frame["id"].tolist() == ["r2", "c1"]
    assert [line for line, _ in read.bad_lines] == [2]
    assert "undecodable" in read.bad_line_reasons[2]
    assert "r1" in read.bad_lines[0][1]


def test_binary_garbage_named_csv_is_a_file_error(tmp_path: Path) -> None:
    data = bytes(range(128, 256)) * 40 + b"\n" + bytes(range(200, 256)) * 10
    with pytest.raises(InboxFileError, match="undecodable"):
        read_inbox_file(write(tmp_path, "x.csv", data))
    with pytest.raises(InboxFileError, match="NUL"):
        read_inbox_file(write(tmp_path, "y.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00"))


def test_jsonl_bad_line_is_row_level(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a", "kind": "review", "worker_id": "W0001", "order_id": None,
                         "created_at": "2026-11-20 10:00:00", "channel": "wechat", "rating": 4,
                         "text": "很好", "meta": {"k": 1}}, ensure_ascii=False),
             '{"id": "b", "kind": "review", "text": "阿姨很',
             "",
             "[1, 2]",
             json.dumps({"id": "c", "kind": "complaint", "worker_id": "W0002", "created_at": "2026-11-20",
                         "text": "客户反映态度差", "rating": 5.0}, ensure_ascii=False)]
    read = read_inbox_file(write(tmp_path, "x.jsonl", "\n".join(lines) + "\n"))
    assert read.frame["id"].tolist() == ["a", "c"]
    assert read.frame["rating"].tolist() == ["4", "5"]
    assert read.source_lines == [1, 5]
    assert [line for line, _ in read.bad_lines] == [2, 4]
    assert read.bad_lines[0][1] == lines[1]
    assert "invalid JSON" in read.bad_line_reasons[2] and "not a JSON object" in read.bad_line_reasons[4]
    assert json.loads(read.frame["extra"][0]) == {"meta": {"k": 1}}
    assert read.frame["order_id"].isna().all() and read.frame["channel"].isna().tolist() == [False, True]


def test_jsonl_with_no_object_at_all_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(InboxFileError, match="JSON Lines"):
        read_inbox_file(write(tmp_path, "x.jsonl", "id,kind,text\n1,review,好\n"))


def xlsx(tmp_path: Path, rows: list[list[object]], name: str = "x.xlsx") -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_cells_become_text(tmp_path: Path) -> None:
    path = xlsx(tmp_path, [[*INBOX_COLUMNS, "门店"],
                           ["r1", "review", "W0001", 12345, datetime(2026, 11, 20, 9, 30), "app", 5, "很干净",
                            "上海店"],
                           [],
                           ["r2", "complaint", "W0002", None, "2026-11-20 10:00", "hotline", None, "态度差"]])
    read = read_inbox_file(path)
    frame = read.frame
    assert frame["id"].tolist() == ["r1", "r2"]
    assert frame["order_id"].tolist()[0] == "12345" and frame["created_at"][0] == "2026-11-20 09:30:00"
    assert frame["rating"][0] == "5" and frame["rating"].isna().tolist() == [False, True]
    assert json.loads(frame["extra"][0]) == {"门店": "上海店"}
    assert read.source_lines == [2, 4] and read.encoding is None


def test_truncated_xlsx_is_a_file_error(tmp_path: Path) -> None:
    good = xlsx(tmp_path, [list(INBOX_COLUMNS), ["r1", "review", "W1", "O1", "2026-11-20", "app", 5, "好"]])
    data = good.read_bytes()
    with pytest.raises(InboxFileError, match="corrupt or truncated Excel"):
        read_inbox_file(write(tmp_path, "cut.xlsx", data[: len(data) // 2]))
    with pytest.raises(InboxFileError, match="corrupt or truncated Excel"):
        read_inbox_file(write(tmp_path, "fake.xlsx", "id,kind\n1,review\n"))


@pytest.mark.parametrize("content", [b"", b"   \r\n\n", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("name", ["e.csv", "e.jsonl", "e.xlsx"])
def test_empty_file_is_a_file_error(tmp_path: Path, content: bytes, name: str) -> None:
    with pytest.raises(InboxFileError, match="empty file"):
        read_inbox_file(write(tmp_path, name, content))


def test_unknown_and_legacy_extensions(tmp_path: Path) -> None:
    with pytest.raises(InboxFileError, match="unknown file type '.pdf'"):
        read_inbox_file(write(tmp_path, "x.pdf", "data"))
    with pytest.raises(InboxFileError, match="xls"):
        read_inbox_file(write(tmp_path, "x.xls", "data"))


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "id,kind,created_at,rating\n1,review,2026-11-20,5\n")
    with pytest.raises(InboxFileError) as caught:
        read_inbox_file(path)
    assert caught.value.reason.startswith("missing required columns: worker_id, text")


def test_optional_columns_may_be_absent_and_extra_columns_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "ID, Kind ,worker_id,created_at,text,platform,备注\n"
                                    "1,review,W0001,2026-11-20,很好,dianping,\n")
    frame = read_inbox_file(path).frame
    assert frame["id"][0] == "1" and frame["kind"][0] == "review"
    assert frame[["order_id", "channel", "rating"]].isna().all().all()
    assert json.loads(frame["extra"][0]) == {"platform": "dianping", "备注": None}


def test_column_mapping_renames_file_columns(tmp_path: Path) -> None:
    header = "编号,类型,阿姨工号,订单号,时间,渠道,评分,评价内容"
    mapping = {"编号": "id", "类型": "kind", "阿姨工号": "worker_id", "订单号": "order_id", "时间": "created_at",
               "渠道": "channel", "评分": "rating", "评价内容": "text"}
    path = write(tmp_path, "x.csv", csv_text(ROWS, header))
    read = read_inbox_file(path, column_map=mapping)
    assert read.frame["worker_id"].tolist() == ["W0001", "W0002", "W0003"]
    assert read_inbox_file(path, column_mapping=mapping).frame.equals(read.frame)
    with pytest.raises(InboxFileError, match="missing required columns"):
        read_inbox_file(path)


def test_wrong_field_count_whitespace_text_and_tabs(tmp_path: Path) -> None:
    rows = [*ROWS, "x9,review,W0001,O9,2026-11-20,app,3,多了,一列", "w1,review,W0001,O8,2026-11-20,app,3,   "]
    read = read_inbox_file(write(tmp_path, "x.csv", csv_text(rows)))
    assert [line for line, _ in read.bad_lines] == [5]
    assert read.bad_lines[0][1].startswith("x9,") and "9 fields" in read.bad_line_reasons[5]
    assert read.frame["text"].tolist()[-1] == "   "
    tsv = write(tmp_path, "x.tsv", "\n".join(line.replace(",", "\t") for line in [HEADER, ROWS[0]]))
    assert read_inbox_file(tsv).frame["worker_id"].tolist() == ["W0001"]


def test_hostile_texts_survive_unchanged(tmp_path: Path) -> None:
    texts = ["好" * 100_000, "😀😀😀", "<script>alert('x')</script>", "'; DROP TABLE reviews; --"]
    rows = [f'h{i},review,W0001,O1,2026-11-20,app,3,"{t}"' for i, t in enumerate(texts)]
    assert read_inbox_file(write(tmp_path, "x.csv", csv_text(rows))).frame["text"].tolist() == texts
    lines = [json.dumps({"id": f"h{i}", "kind": "review", "worker_id": "W1", "created_at": "2026-11-20", "text": t})
             for i, t in enumerate(texts)]
    assert read_inbox_file(write(tmp_path, "x.jsonl", "\n".join(lines))).frame["text"].tolist() == texts


def test_header_only_file_gives_an_empty_frame(tmp_path: Path) -> None:
    read = read_inbox_file(write(tmp_path, "x.csv", HEADER + "\n"))
    assert read.frame.empty and list(read.frame.columns) == [*INBOX_COLUMNS, "extra"]


def test_file_sha256_is_the_content_hash(tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", csv_text())
    b = write(tmp_path, "b.csv", csv_text())
    assert file_sha256(a) == file_sha256(b) and len(file_sha256(a)) == 64
    assert file_sha256(a) != file_sha256(write(tmp_path, "c.csv", csv_text(ROWS[:1])))
