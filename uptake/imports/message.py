"""Figures pasted from a message (the district's Zalo group): one unit per line.

The published format ("Mẫu tin nhắn", on the status page) is

    Xã Long Khánh A: CB 41/39; dân 5.200/2.950; loa 2; tờ rơi 500

a unit (its name or code, without diacritics if need be, with the usual abbreviations: "X.",
"TT", "P.", "Phòng"), then, in any order, a group with "with a smartphone/installed" or an
activity with its count, each by its name or a short form of it ("CB", "cán bộ", "dân", "loa",
"tờ rơi"). Spaces, case, diacritics and "." or "," between thousands do not matter; the items
may be separated by ";", ",", "-" or spaces; a group may also be written "CB có ĐT 41, đã
cài 39". A line it is not sure of is not guessed: it comes back with the reason, and nothing
of the message is stored until every line with figures reads.

Lines with no figure ("Kính gửi Phòng VHTT", "Báo cáo ngày 17/8") are passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from uptake.campaigns.models import Campaign, Participation
from uptake.lib.text import fold

MAX_LINES = 5000
MAX_CHARS = 500_000

# A number: 5200, 5.200, 5,200, 5 200 (thousands), never a decimal.
NUMBER = r"\d{1,3}(?:[.,](?:\d{3})(?!\d))+|\d+"
# Short forms people write for words of a group's or an activity's name (folded). A short form
# names the one group or activity whose name holds the words, when exactly one does.
SHORT_FORMS = {
    "cb": "can bo",
    "cbcc": "can bo",
    "cbccvc": "can bo",
    "cbcnv": "can bo",
    "cbcnvc": "can bo",
    "cb cc": "can bo",
    "cb cc vc": "can bo",
    "cong chuc": "cong chuc",
    "vien chuc": "vien chuc",
    "nld": "nguoi lao dong",
    "nhan vien": "can bo",
    "dan": "nguoi dan",
    "nd": "nguoi dan",
    "ng dan": "nguoi dan",
    "nguoi dan": "nguoi dan",
    "ho dan": "ho gia dinh",
    "ho": "ho gia dinh",
    "ho gd": "ho gia dinh",
    "hgd": "ho gia dinh",
    "tham ho": "ho gia dinh",
    "loa": "loa",
    "phat loa": "loa",
    "loa phat thanh": "loa",
    "phat thanh": "phat thanh",
    "to roi": "to roi",
    "toroi": "to roi",
    "bang ron": "bang ron",
    "bang gon": "bang ron",
    "bang zon": "bang ron",
    "pano": "pa no",
    "pa no": "pa no",
    "hop": "cuoc hop",
    "cuoc hop": "cuoc hop",
    "buoi hop": "cuoc hop",
    "tuyen truyen": "tuyen truyen",
    "buoi tuyen truyen": "tuyen truyen",
    "zalo": "zalo",
    "fb": "facebook",
    "facebook": "facebook",
    "bai dang": "bai dang",
    "bai": "bai dang",
    "dang bai": "bai dang",
}
# Inside a group: which figure a word announces.
WITH_WORDS = (
    "co dien thoai thong minh",
    "co dien thoai",
    "co dtdd",
    "co dt",
    "co smartphone",
    "dien thoai thong minh",
    "dtdd",
    "dttm",
    "dt",
    "smartphone",
    "co",
    "tong",
    "tong so",
)
INSTALLED_WORDS = ("da cai dat", "da cai", "cai dat", "cai", "da tai", "tai", "cai app")
# Unit names: the kind written in full or short, folded, and what it stands for.
KIND_PREFIXES = (
    ("uy ban nhan dan", ""),
    ("ubnd", ""),
    ("thi tran", "thi tran"),
    ("tt.", "thi tran"),
    ("tt", "thi tran"),
    ("xa", "xa"),
    ("x.", "xa"),
    ("x ", "xa"),
    ("phuong", "phuong"),
    ("p.", "phuong"),
    ("phong", "phong"),
    ("ph.", "phong"),
)
LIST_MARK = re.compile(r"^\s*(?:\d{1,3}\s*[.)]\s+|[-+*•·>–—]+\s*)")


@dataclass
class Parsed:
    """One line with figures, read: the unit, the figures, the activities, or why not."""

    number: int
    text: str
    unit_code: str = ""
    figures: dict = field(default_factory=dict)
    activities: dict = field(default_factory=dict)
    note: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


@dataclass
class Target:
    kind: str  # "group" | "activity"
    key: str
    name: str


class Reader:
    """Reads messages against a campaign's groups, activities and the units one may import for."""

    def __init__(self, campaign: Campaign, participations: list[Participation]):
        self.campaign = campaign
        self.targets = [Target("group", g.key, g.name) for g in campaign.groups.all()] + [
            Target("activity", a.key, a.name) for a in campaign.activities.all()
        ]
        self.labels = self._labels()
        self.units = self._units(participations)
        # The longest labels first, so that "to roi" wins over "to".
        self.label_pattern = re.compile(
            r"(?<![a-z0-9])("
            + "|".join(re.escape(label) for label in sorted(self.labels, key=len, reverse=True))
            + r")(?![a-z0-9])"
        )

    # --- names -----------------------------------------------------------------------------

    def _labels(self) -> dict[str, list[Target]]:
        """Every way of naming a group or an activity (folded) -> what it names."""
        labels: dict[str, list[Target]] = {}

        def add(label: str, target: Target) -> None:
            label = " ".join(label.replace(",", " ").split())
            if len(label) < 2 and label not in ("ho",):
                return
            found = labels.setdefault(label, [])
            if target not in found:
                found.append(target)

        for target in self.targets:
            name = fold(target.name)
            words = re.sub(r"[^a-z0-9 ]", " ", name).split()
            add(" ".join(words), target)
            add(target.key.replace("_", " "), target)
            for n in (1, 2, 3):
                if len(words) >= n:
                    add(" ".join(words[:n]), target)
            add("".join(w[0] for w in words), target)
        for short, words in SHORT_FORMS.items():
            named = [
                t
                for t in self.targets
                if words in " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(t.name)).split())
            ]
            for target in named:
                add(short, target)
        return labels

    def _units(self, participations: list[Participation]) -> dict[str, list]:
        index: dict[str, list] = {}
        for p in participations:
            unit = p.unit
            for name in {
                fold(unit.code),
                fold(unit.code).replace("-", " "),
                _bare(fold(unit.name)),
                fold(unit.name),
                fold(unit.code).rsplit("-", 1)[-1],
            }:
                index.setdefault(name, [])
                if unit not in index[name]:
                    index[name].append(unit)
        return index

    def find_unit(self, raw: str):
        """(unit, None) or (None, why)."""
        name = " ".join(fold(raw).replace("_", " ").split()).strip(" .:-")
        if not name:
            return None, _("No unit is named before the figures.")
        # "Xã Thường Lạc báo cáo", "Long Khánh A gửi": words after the name.
        name = re.sub(r"(\s+(bao cao|bc|gui|so lieu|sl|ngay))+$", "", name).strip(" .:-") or name
        tries = [name, _bare(name), name.replace(" ", ""), re.sub(r"[^a-z0-9]", "", name)]
        tries.append(re.sub(r"[^a-z0-9]", "", _bare(name)))  # "Phòng GD&ĐT" -> "gddt": its code
        for attempt in tries:
            found = self.units.get(attempt)
            if found and len(found) == 1:
                return found[0], None
            if found:
                names = ", ".join(u.name for u in found[:3])
                return None, _("“%(name)s” may be any of %(units)s: write its code.") % {
                    "name": raw.strip(),
                    "units": names,
                }
        return None, _("No unit “%(name)s” among those you import for.") % {"name": raw.strip()}

    # --- a line ---------------------------------------------------------------------------

    def read_line(self, number: int, line: str) -> Parsed | None:
        """None for a line with no figure at all (a greeting, a title, a date)."""
        text = LIST_MARK.sub("", line.strip())
        # Words in brackets are comments: "(17/8)", "(95%)".
        folded = re.sub(r"\([^)]*\)", " ", fold(text))
        if not re.search(r"\d", _without_dates(folded)):
            return None
        parsed = Parsed(number, line.strip())
        head, body = _split_unit(folded)
        if head is None:
            head, body = self._unit_prefix(folded)
        if head is None:
            first = self.label_pattern.search(folded)
            if first is None or first.start() == 0:
                if not self._looks_like_figures(folded):
                    return None
                parsed.errors.append(("unit", _("No unit is named before the figures.")))
                return parsed
            head, body = folded[: first.start()], folded[first.start() :]
        unit, why = self.find_unit(head)
        if unit is None:
            # Said in the writer's own words: as many words of the line as the name has.
            words = len(head.split())
            own = " ".join(text.split()[:words]).rstrip(":-=–")
            parsed.errors.append(("unit", why.replace(f"“{head.strip()}”", f"“{own}”")))
        else:
            parsed.unit_code = unit.code
        self._read_items(body, parsed)
        return parsed

    def _looks_like_figures(self, folded: str) -> bool:
        return bool(self.label_pattern.search(folded)) or "/" in folded

    def _unit_prefix(self, folded: str):
        """A line with no ":" after its unit: the longest run of first words naming a unit."""
        words = folded.split()
        for n in range(min(len(words), 8), 0, -1):
            head = " ".join(words[:n])
            if re.search(r"\d", head) and not re.fullmatch(r"[a-z0-9.\- ]*", head):
                continue
            unit, _why = self.find_unit(head)
            if unit is not None:
                return head, " ".join(words[n:])
        return None, folded

    def _read_items(self, body: str, parsed: Parsed) -> None:
        # Percentages are comments: "41/39 95%".
        body = re.sub(r"\d+(?:[.,]\d+)?\s*%", " ", body)
        marks = list(self.label_pattern.finditer(body))
        if not marks:
            parsed.errors.append(
                ("figures", _("No group or activity named: write them as in the message form."))
            )
            return
        lead = body[: marks[0].start()]
        if re.search(r"\d", lead):
            parsed.errors.append(
                (
                    "figures",
                    _("Figures before any group or activity: “%(text)s”.") % {"text": lead.strip()},
                )
            )
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
            label = " ".join(mark.group(1).split())
            segment = body[mark.end() : end]
            targets = self.labels[label]
            following = (
                self.labels[" ".join(marks[i + 1].group(1).split())] if i + 1 < len(marks) else None
            )
            if not re.search(r"\d", segment) and following == targets:
                continue  # "bài đăng trên Zalo 2": two names of one activity, one count
            if len(targets) > 1:
                # "dt" may be a group's figure word; only a real ambiguity stops the line.
                names = ", ".join(t.name for t in targets)
                parsed.errors.append(
                    (
                        "figures",
                        _("“%(label)s” may be %(names)s: write its name.")
                        % {"label": label, "names": names},
                    )
                )
                continue
            self._item(targets[0], label, segment, parsed)

    def _item(self, target: Target, label: str, segment: str, parsed: Parsed) -> None:
        numbers = [int(re.sub(r"\D", "", n)) for n in re.findall(NUMBER, segment)]
        if target.kind == "activity":
            field_name = f"activities.{target.key}"
            if target.key in parsed.activities:
                parsed.errors.append(
                    (field_name, _("%(name)s is given twice.") % {"name": target.name})
                )
            elif len(numbers) != 1:
                parsed.errors.append(
                    (
                        field_name,
                        _("%(name)s: write one count (“%(label)s 2”).")
                        % {"name": target.name, "label": label},
                    )
                )
            else:
                parsed.activities[target.key] = numbers[0]
            return
        field_name = f"figures.{target.key}"
        if target.key in parsed.figures:
            parsed.errors.append(
                (field_name, _("%(name)s is given twice.") % {"name": target.name})
            )
            return
        pair = self._pair(segment, numbers)
        if pair is None:
            parsed.errors.append(
                (
                    field_name,
                    _(
                        "%(name)s: write the number with a smartphone and the number installed, "
                        "as “%(label)s 41/39”."
                    )
                    % {"name": target.name, "label": label},
                )
            )
            return
        parsed.figures[target.key] = {"with_smartphone": pair[0], "installed": pair[1]}

    def _pair(self, segment: str, numbers: list[int]) -> tuple[int, int] | None:
        """(with a smartphone, installed) from "41/39", "41 / 39", "co dt 41, da cai 39"."""
        segment = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "", segment)  # "4 100 / 2 350"
        numbers = [int(re.sub(r"\D", "", n)) for n in re.findall(NUMBER, segment)]
        slash = re.fullmatch(rf"\W*({NUMBER})\s*/\s*({NUMBER})\W*", segment.strip())
        if slash:
            return tuple(int(re.sub(r"\D", "", slash[i])) for i in (1, 2))
        if len(numbers) != 2:
            return None
        # Named figures: each number after the word that says what it is.
        found = {}
        for m in re.finditer(rf"([a-z][a-z ]*?)\s*[:=]?\s*({NUMBER})", segment):
            words = " ".join(m.group(1).split())
            value = int(re.sub(r"\D", "", m.group(2)))
            if any(words.endswith(w) for w in INSTALLED_WORDS):
                found.setdefault("installed", value)
            elif any(words.endswith(w) for w in WITH_WORDS):
                found.setdefault("with", value)
        if len(found) == 2:
            return found["with"], found["installed"]
        return None

    def read(self, text: str) -> list[Parsed]:
        out = []
        for number, line in enumerate(text.splitlines()[:MAX_LINES], start=1):
            parsed = self.read_line(number, line)
            if parsed is not None:
                out.append(parsed)
        return out


def _bare(name: str) -> str:
    """A folded unit name without its kind: "xa long khanh a" -> "long khanh a"."""
    for prefix, _kind in KIND_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix) :].strip(" .")
            if rest and (prefix.endswith((".", " ")) or name[len(prefix)] in " ."):
                return rest
    return name


def _without_dates(folded: str) -> str:
    """The line without its dates and times ("ngày 17/8", "17/08/2020", "14h30"): "12/12"
    alone is a group's figures, not a date."""
    return re.sub(
        r"(?:ngay\s*)?\d{1,2}/\d{1,2}/\d{2,4}|ngay\s*\d{1,2}/\d{1,2}|\b\d{1,2}\s*(?:h|gio)\s*\d{2}\b",
        " ",
        folded,
    )


def _split_unit(folded: str):
    """(unit, the rest) at the first ":" (or " - ", "=") after a unit's name or code."""
    for sep in (":", " - ", " – ", "="):
        at = folded.find(sep)
        if at <= 0:
            continue
        head = folded[:at].strip()
        if (
            not re.search(r"\d", head)
            or re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", head)  # a code: 870-LKA
            or re.fullmatch(r"[a-z .]+ \d{1,2}", head)  # a name with a number: xa thuong phuoc 1
        ):
            return head, folded[at + len(sep) :]
    return None, folded


def sample_lines(participations: list[Participation], campaign: Campaign) -> list[str]:
    """The published format, for one unit of each shape (what it reports)."""
    groups = {g.key: g for g in campaign.groups.all()}
    activities = {a.key: a for a in campaign.activities.all()}
    short = {"staff": "CB", "residents": "dân"}
    examples = {"staff": "41/39", "residents": "5.200/2.950"}
    counts = {"broadcasts": "2", "leaflets": "500"}
    seen, out = set(), []
    for p in participations:
        shape = (tuple(p.groups), tuple(p.activities))
        if shape in seen:
            continue
        seen.add(shape)
        items = [
            f"{short.get(k, groups[k].name)} {examples.get(k, '41/39')}"
            for k in p.groups
            if k in groups
        ]
        items += [
            f"{_short_activity(activities[k].name)} {counts.get(k, '1')}"
            for k in p.activities[:2]
            if k in activities
        ]
        out.append(f"{p.unit.name}: " + "; ".join(items))
        if len(out) == 3:
            break
    return out


def _short_activity(name: str) -> str:
    folded = fold(name)
    for short, words in (("loa", "loa"), ("tờ rơi", "to roi"), ("họp", "cuoc hop")):
        if words in folded:
            return short
    return name.split(",")[0].split(" (")[0]
