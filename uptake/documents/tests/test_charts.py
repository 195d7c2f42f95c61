"""The percent chart (#17): labels never under a line, a phone's form with text that stays
readable at the size it is shown."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.test import SimpleTestCase

from uptake.documents.charts import Series, percent_chart

DAYS = [date(2020, 8, 14) + timedelta(days=i) for i in range(4)]
TARGET_DATE = date(2020, 8, 20)
# The picture: staff at 97,0% under a target of 100%, residents at 55,8% of 60%.
SERIES = [
    Series("Cán bộ, công chức, viên chức, người lao động", 100, [80.0, 90.0, 95.0, 97.0]),
    Series("Người dân", 60, [40.0, 50.0, 53.1, 55.8]),
]
TEXT = re.compile(r'<text x="([\d.]+)" y="([\d.]+)" font-size="(\d+)"([^>]*)>([^<]*)</text>')
HLINE = re.compile(r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1"[^>]*dasharray="7,4"')


def labels(svg: str) -> list[tuple[float, float, int, str]]:
    """(x, y, size, text) of each label as shown (not its halo); x is where it starts."""
    out = []
    for x, y, size, attrs, text in TEXT.findall(svg):
        if "aria-hidden" in attrs:
            continue
        start, width = float(x), len(text) * int(size) * 0.5
        if 'text-anchor="end"' in attrs:
            start -= width
        elif 'text-anchor="middle"' in attrs:
            start -= width / 2
        out.append((start, float(y), int(size), text))
    return out


class PercentChartTest(SimpleTestCase):
    def chart(self, **kwargs) -> str:
        return percent_chart(DAYS, SERIES, TARGET_DATE, target_label="Chỉ tiêu", **kwargs)

    def test_the_last_value_never_sits_on_a_target_line(self):
        for kwargs in ({}, {"width": 340, "height": 380, "compact": True}):
            svg = self.chart(**kwargs)
            target_ys = [float(y) for y in HLINE.findall(svg)]
            self.assertEqual(len(target_ys), 2)
            (value,) = [label for label in labels(svg) if label[3] == "97,0%"]
            _x, y, size, _text = value
            for line in target_ys:
                self.assertFalse(y - size - 2 <= line <= y + 4, (kwargs, y, line))

    def test_every_label_is_drawn_over_the_lines_on_a_halo(self):
        for kwargs in ({}, {"width": 340, "height": 380, "compact": True}):
            svg = self.chart(**kwargs)
            last_line = max(svg.rfind("<line"), svg.rfind("<polyline"), svg.rfind("<circle"))
            self.assertLess(last_line, svg.find("<text"))
            halos = svg.count('aria-hidden="true"')
            self.assertEqual(halos, len(labels(svg)))

    def test_the_phone_form_keeps_its_text_at_least_12_px_when_shown_at_320_px(self):
        svg = self.chart(width=340, height=380, compact=True)
        self.assertIn('width="340"', svg)
        scale = 320 / 340
        for _x, _y, size, text in labels(svg):
            self.assertGreaterEqual(size * scale, 12, text)

    def test_the_phone_form_fits_its_labels_inside_its_width(self):
        svg = self.chart(width=340, height=380, compact=True)
        for x, _y, size, text in labels(svg):
            # A generous width per character (Liberation Serif averages about half its size).
            self.assertGreaterEqual(x, 0, text)
            self.assertLessEqual(x + len(text) * size * 0.5, 340, text)
        self.assertIn(">Cán bộ, công chức, viên chức, người</text>", svg)  # the legend wraps

    def test_the_phone_form_labels_days_that_do_not_touch(self):
        svg = self.chart(width=340, height=380, compact=True)
        xs = sorted(x for x, _y, _s, text in labels(svg) if re.fullmatch(r"\d\d/\d\d", text))
        self.assertGreater(len(xs), 2)
        self.assertTrue(all(b - a >= 15 * 3 for a, b in zip(xs, xs[1:], strict=False)), xs)
