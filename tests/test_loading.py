from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from plansum.errors import InputError
from plansum.parse.loading import decode, load_file

SAMPLE = "青岚市2024年地区生产总值增长６．５％左右，城镇新增就业1.5万人。"


@pytest.mark.parametrize(
    "data,encoding",
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16", "utf16-be-bom"],
)
def test_decodes_common_encodings_to_the_same_text(data: bytes, encoding: str) -> None:
    doc = decode(data, "x.txt")
    assert doc.text == SAMPLE  # BOM gone, full-width forms kept: offsets index this text
    assert doc.encoding == encoding


@pytest.mark.parametrize(
    "data,needle",
    [
        (b"", "empty"),
        (b"   \n\t\r\n  ", "whitespace"),
        ("\u3000\u3000\n".encode(), "whitespace"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (bytes(range(256)) * 40, "binary"),
    ],
    ids=["empty", "spaces", "ideographic-spaces", "pdf", "zip", "all-bytes"],
)
def test_bad_input_is_a_clear_error(data: bytes, needle: str) -> None:
    with pytest.raises(InputError) as err:
        decode(data, "bad.txt")
    assert needle in str(err.value)
    assert "bad.txt" in str(err.value)


def test_random_bytes_are_refused() -> None:
    data = os.urandom(64 * 1024)
    with pytest.raises(InputError):
        decode(data, "noise.bin")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        load_file(tmp_path)


def test_load_file_reads_gbk(tmp_path: Path) -> None:
    p = tmp_path / "plan.txt"
    p.write_bytes(SAMPLE.encode("gb18030"))
    doc = load_file(p)
    assert doc.text == SAMPLE and doc.encoding == "gb18030"
