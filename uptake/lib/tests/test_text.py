"""fold: Vietnamese names compared without diacritics or case."""

from __future__ import annotations

import unicodedata

import pytest

from uptake.lib.text import fold


def test_it_folds_the_province():
    assert fold("Đồng Tháp") == "dong thap"


@pytest.mark.parametrize(
    "text,folded",
    [
        ("Thị trấn Thường Thới Tiền", "thi tran thuong thoi tien"),
        ("Xã Thường Phước 1", "xa thuong phuoc 1"),
        ("Phòng Lao động - Thương binh và Xã hội", "phong lao dong - thuong binh va xa hoi"),
        ("Huyện Hồng Ngự", "huyen hong ngu"),
        ("ĐẶNG ĐỨC ĐẠT", "dang duc dat"),
        ("ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳýỷỹỵ", "aaaaa aaaaa eeeee ooooo ooooo uuuuu yyyyy"),
        ("Bluezone", "bluezone"),
        ("", ""),
    ],
)
def test_it_strips_tones_and_vowel_marks_and_lowers_the_case(text, folded):
    assert fold(text) == folded


def test_decomposed_input_folds_the_same_as_composed():
    assert fold(unicodedata.normalize("NFD", "Thường Thới Tiền")) == "thuong thoi tien"


def test_runs_of_whitespace_become_one_space():
    assert fold("  Long\tKhánh \n A ") == "long khanh a"
