"""Loader behaviour that the invalid fixtures do not pin: JSON details, encodings, unions, positions."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from govrules import check
from govrules.errors import LoadError, OrganisationError, Problem, RuleSetError
from govrules.loaders import Limits, load_map_file, load_org, load_rules, parse_document
from govrules.model import ContentRule, ForbiddenRule, Organisation, RecurringRule, RuleSet

HEAD = "id: r\ntitle: R\ntimezone: Asia/Shanghai\n"


def _problems(text: str | bytes, file: str = "r.yaml") -> list[tuple[int | None, int | None, str, str]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(RuleSetError) as info:
        load_rules(data, file=file)
    return [(p.line, p.column, p.pointer, p.code) for p in info.value.problems]


class TestJson:
    def test_surrogate_pair_escapes_and_exponent_numbers_are_json(self) -> None:
        """JSON is read as JSON: an escaped emoji is one character and 2e0 is a number."""
        doc = {
            "id": "r",
            "title": "\U0001f600 学校",
            "timezone": "UTC",
            "rules": [{"id": "a", "kind": "recurring", "clause": "c", "who": "x", "action": "y", "every": "month"}],
        }
        text = json.dumps(doc).replace('"every"', '"min": 2e0, "every"')
        rules = load_rules(text.encode(), file="r.json")
        assert rules.title == "\U0001f600 学校"
        assert isinstance(rules.rules[0], RecurringRule)
        assert rules.rules[0].min == 2

    def test_unpaired_surrogate_is_an_encoding_problem_at_its_value(self) -> None:
        """A lone \\ud83d escape cannot become text; the problem points at the value."""
        text = '{"id": "r",\n "title": "\\ud83d", "timezone": "UTC", "rules": []}'
        assert _problems(text, "r.json") == [(2, 2, "/title", "encoding")]

    def test_infinity_and_huge_exponents_are_not_finite(self) -> None:
        """Infinity and 1e999 are refused with their position, and not reported twice."""
        rule = '{"id": "a", "kind": "forbidden", "clause": "c", "action": "y", "where": {"n": 1e999, "m": -Infinity}}'
        text = '{"id": "r", "title": "R", "timezone": "UTC",\n "rules": [' + rule + "]}"
        line = text.splitlines()[1]
        assert _problems(text, "r.json") == [
            (2, line.index('"n"') + 1, "/rules/0/where/n", "bad-number"),
            (2, line.index('"m"') + 1, "/rules/0/where/m", "bad-number"),
        ]

    def test_the_json_suffix_is_case_insensitive(self) -> None:
        """A file named RULES.JSON is read as JSON (JSON's own syntax error, not YAML's)."""
        assert _problems('{"id": "r",}', "RULES.JSON") == [(1, 12, "", "json-syntax")]

    def test_positions_of_nested_json_values(self) -> None:
        """Line and column of a JSON problem are those of the key, as in YAML."""
        text = '{\n  "id": "r", "title": "R", "timezone": "UTC",\n  "rules": [\n    {"id": "a", "kind": "informative",\n     "clause": 5}\n  ]\n}'
        assert _problems(text, "r.json") == [(5, 6, "/rules/0/clause", "wrong-type")]


class TestBytes:
    @pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
    @pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
    def test_a_unicode_line_separator_in_a_value_starts_no_line(self, separator: str, newline: str) -> None:
        """YAML 1.1 (PyYAML) breaks lines at U+2028, U+2029 and U+0085 too; an editor, ``grep -n``
        and a JSON file's reader do not: a problem after one in a quoted value is placed at the line
        and column an editor shows (it was a line further down, or a column off), whatever the file's
        line endings; a syntax error too."""
        lines = ["id: r", f'title: "A{separator}B"', "timezone: UTC", "rules: []", "foo: 1", ""]
        assert _problems(newline.join(lines)) == [(5, 1, "/foo", "unknown-key")]
        lines[4] = "  foo: [1"
        assert _problems(newline.join(lines)) == [(5, 3, "", "yaml-syntax")]
        lines[4] = 'foo: "\x01"'  # a character YAML does not allow, at the line an editor shows
        assert _problems(newline.join(lines)) == [(5, 7, "", "yaml-syntax")]

    def test_a_character_yaml_does_not_allow_is_placed_after_chinese_text(self) -> None:
        """A control character after Chinese text is placed at its character's column: libyaml
        counts the bytes before it (three a Chinese character), which placed it columns, or lines,
        further on."""
        text = 'id: r\ntitle: "学校学校学校学校学校学校学校学校"\ntimezone: UTC\nx: "\x01"\nrules: []\n'
        assert _problems(text) == [(4, 5, "", "yaml-syntax")]

    def test_utf8_bom_does_not_shift_columns(self) -> None:
        """A UTF-8 byte order mark is dropped before positions are counted."""
        assert _problems(b"\xef\xbb\xbfid: r\ntitle: R\ntimezone: Mars/Base\nrules: []\n") == [
            (3, 1, "/timezone", "bad-timezone")
        ]

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
    def test_utf16_and_utf32_are_named(self, encoding: str) -> None:
        """A file saved as UTF-16 or UTF-32 (with its byte order mark) is told apart from binary."""
        _, _, problems = parse_document(("\ufeff" + HEAD).encode(encoding), "r.yaml")
        assert [(p.code, p.line) for p in problems] == [("encoding", 1)]
        assert "UTF-" in problems[0].message

    def test_legacy_encoding_error_has_line_and_column(self) -> None:
        """The first byte that is not UTF-8 is located by line and character column."""
        data = HEAD.encode() + "note: 意识形态".encode("gb18030")
        _, _, problems = parse_document(data, "r.yaml")
        assert [(p.code, p.line, p.column) for p in problems] == [("encoding", 4, 7)]


class TestUnions:
    def test_a_party_with_a_bad_role_reports_the_role_only(self) -> None:
        """Of the union 'id or party object', only the branch that fits the mapping is reported."""
        text = HEAD + "rules:\n  - {id: a, kind: forbidden, clause: c, action: y, by: {role: [x]}}\n"
        assert _problems(text) == [(5, text.splitlines()[4].index("role") + 1, "/rules/0/by/role", "wrong-type")]

    def test_no_branch_fits_gives_one_problem_listing_every_shape(self) -> None:
        """A value that fits no branch gets one wrong-type problem naming each expected shape."""
        text = HEAD + "rules:\n  - {id: a, kind: forbidden, clause: c, action: {x: 1}}\n"
        with pytest.raises(RuleSetError) as info:
            load_rules(text.encode(), file="r.yaml")
        (problem,) = info.value.problems
        assert (problem.pointer, problem.code) == ("/rules/0/action", "wrong-type")
        assert problem.message == "expected a string or a list, got a mapping"

    def test_an_unknown_key_never_suggests_itself(self) -> None:
        """'to' is a key elsewhere, but not in a requirement: no 'did you mean 'to''."""
        text = HEAD + "rules:\n  - {id: a, kind: prerequisite, clause: c, action: y, requires: [{action: z, to: q}]}\n"
        with pytest.raises(RuleSetError) as info:
            load_rules(text.encode(), file="r.yaml")
        (problem,) = info.value.problems
        assert (problem.pointer, problem.code) == ("/rules/0/requires/0/to", "unknown-key")
        assert "did you mean" not in problem.message

    @pytest.mark.parametrize(
        ("rule", "pointer", "message"),
        [
            (  # 'roll' is a key of a recurring rule, not of a party
                "{id: a, kind: recurring, clause: c, who: {rol: branch}, action: y, every: month}",
                "/rules/0/who/rol",
                "unknown key 'rol'; did you mean 'role'?",
            ),
            (
                "{id: a, kind: triggered, clause: c, trigger: {action: x}, steps: [{action: y, within: 3d, "
                "by: {rol: branch}}]}",
                "/rules/0/steps/0/by/rol",
                "unknown key 'rol'; did you mean 'role'?",
            ),
            (  # 'within' is a key of a step, not of the rule
                "{id: a, kind: triggered, clause: c, trigger: {action: x}, steps: [{action: y, within: 3d}], "
                "then: {action: z}}",
                "/rules/0/then",
                "unknown key 'then'",
            ),
            (  # 'start' is a key of a recurrence, not of a window
                "{id: a, kind: recurring, clause: c, who: b, action: y, every: month, window: {strt: 1}}",
                "/rules/0/window/strt",
                "unknown key 'strt'",
            ),
            (  # `every` may be any of its shapes: the named calendar's key, though a year start's was tried first
                "{id: a, kind: recurring, clause: c, who: b, action: y, every: {calenda: semester}}",
                "/rules/0/every/calenda",
                "unknown key 'calenda'; did you mean 'calendar'?",
            ),
        ],
    )
    def test_a_suggested_key_is_one_that_mapping_may_hold(self, rule: str, pointer: str, message: str) -> None:
        """'Did you mean' names a key of the mapping at fault, or none: not the closest key of any
        mapping of any document."""
        with pytest.raises(RuleSetError) as info:
            load_rules((HEAD + f"rules:\n  - {rule}\n").encode(), file="r.yaml")
        assert [(p.pointer, p.code, p.message) for p in info.value.problems] == [(pointer, "unknown-key", message)]

    @pytest.mark.parametrize(
        ("every", "expected"),
        [
            (  # a named calendar (by its 'calendar'): not the year start's 'year_starting'
                "{calendar: semester, yar_starting: 9}",
                [("/rules/0/every/yar_starting", "unknown-key", "unknown key 'yar_starting'")],
            ),
            (  # a recurrence (by its 'rrule' and 'start'): not the named calendar's 'calendar'
                "{rrule: 'FREQ=WEEKLY', start: 2024-01-02, calendr: semester}",
                [("/rules/0/every/calendr", "unknown-key", "unknown key 'calendr'")],
            ),
            (  # a recurrence still gets its own keys
                "{rrule: 'FREQ=WEEKLY', strt: 2024-01-02}",
                [
                    ("/rules/0/every/start", "missing-key", "expected the key 'start', found none"),
                    ("/rules/0/every/strt", "unknown-key", "unknown key 'strt'; did you mean 'start'?"),
                ],
            ),
            (  # no shape holds the other key, misspelt too: any shape's key, for each
                "{calendr: semester, yar_starting: 9}",
                [
                    ("/rules/0/every/calendr", "unknown-key", "unknown key 'calendr'; did you mean 'calendar'?"),
                    (
                        "/rules/0/every/yar_starting",
                        "unknown-key",
                        "unknown key 'yar_starting'; did you mean 'year_starting'?",
                    ),
                ],
            ),
        ],
    )
    def test_a_suggested_key_is_of_the_shape_the_other_keys_show(
        self, every: str, expected: list[tuple[str, str, str]]
    ) -> None:
        """A mapping of several shapes ('every') gets a key of the shapes that hold its other keys,
        not of any shape: beside 'calendar', 'yar_starting' is no slip for a year start's key."""
        rule = f"{{id: a, kind: recurring, clause: c, who: b, action: y, every: {every}}}"
        with pytest.raises(RuleSetError) as info:
            load_rules((HEAD + f"rules:\n  - {rule}\n").encode(), file="r.yaml")
        assert sorted((p.pointer, p.code, p.message) for p in info.value.problems) == expected

    @pytest.mark.parametrize(
        ("rule", "pointer", "meant"),
        [
            (  # the steps of a triggered rule, written as what happens then
                "{id: a, kind: triggered, clause: c, trigger: {action: x}, then: [{action: y, within: 3d}]}",
                "/rules/0/then",
                "steps",
            ),
            (  # a step's deadline is its 'within'...
                "{id: a, kind: triggered, clause: c, trigger: {action: x}, steps: [{action: y, deadline: 3d}]}",
                "/rules/0/steps/0/deadline",
                "within",
            ),
            (  # ...and a recurring rule's its 'due_after', as is a 'within' there
                "{id: a, kind: recurring, clause: c, who: b, action: y, every: month, within: 40 days}",
                "/rules/0/within",
                "due_after",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: b, action: y, every: month, due: 40 days}",
                "/rules/0/due",
                "due_after",
            ),
            (  # who acts is 'by' in a step...
                "{id: a, kind: triggered, clause: c, trigger: {action: x}, steps: [{action: y, within: 3d, actor: b}]}",
                "/rules/0/steps/0/actor",
                "by",
            ),
            (  # ...and 'who' in a recurring rule
                "{id: a, kind: recurring, clause: c, by: b, action: y, every: month}",
                "/rules/0/by",
                "who",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: b, action: y, period: month}",
                "/rules/0/period",
                "every",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: b, action: y, interval: 30 days}",
                "/rules/0/interval",
                "max_gap",
            ),
            (  # a prerequisite's requirement has no 'to': the recipient is no key of it
                "{id: a, kind: prerequisite, clause: c, action: y, requires: [{action: z, recipient: q}]}",
                "/rules/0/requires/0/recipient",
                None,
            ),
            (  # a date range runs from/to
                "{id: a, kind: informative, clause: c, effective: {start: 2024-01-01}}",
                "/rules/0/effective/start",
                "from",
            ),
            (  # a recurrence starts on its 'start'
                "{id: a, kind: recurring, clause: c, who: b, action: y, every: {rrule: 'FREQ=WEEKLY', from: 2024-01-01}}",
                "/rules/0/every/from",
                "start",
            ),
            (  # a key the mapping holds is not the one meant
                "{id: a, kind: triggered, clause: c, trigger: {action: x}, steps: [{action: y, within: 3d, deadline: 4d}]}",
                "/rules/0/steps/0/deadline",
                None,
            ),
            (  # nor the one a misspelling is nearest
                "{id: a, kind: triggered, clause: c, trigger: {action: x}, steps: [{action: y, within: 3d, withn: 4d}]}",
                "/rules/0/steps/0/withn",
                None,
            ),
        ],
    )
    def test_another_word_for_a_key_suggests_the_key(self, rule: str, pointer: str, meant: str | None) -> None:
        """An unknown key that is another word for a key of its mapping (too far from it for a
        misspelling) is told the key: 'then' for a triggered rule's 'steps'; never a key the
        mapping may not hold, nor one it holds already."""
        with pytest.raises(RuleSetError) as info:
            load_rules((HEAD + f"rules:\n  - {rule}\n").encode(), file="r.yaml")
        unknown = [(p.pointer, p.message) for p in info.value.problems if p.code == "unknown-key"]
        name = pointer.rsplit("/", 1)[1]
        suggestion = f"; did you mean {meant!r}?" if meant else ""
        assert unknown == [(pointer, f"unknown key {name!r}{suggestion}")]

    @pytest.mark.parametrize(("written", "slip"), [("type: recurring", "'type'"), ("knd: recurring", "'knd'")])
    def test_a_rule_without_kind_names_the_key_meant_for_it(self, written: str, slip: str) -> None:
        """A rule with 'type' for 'kind' is not read as any kind, so its 'type' is reported as no
        unknown key: the missing 'kind' names it."""
        rule = f"{{id: a, {written}, clause: c, who: b, action: y, every: month}}"
        with pytest.raises(RuleSetError) as info:
            load_rules((HEAD + f"rules:\n  - {rule}\n").encode(), file="r.yaml")
        (problem,) = info.value.problems
        assert (problem.pointer, problem.code) == ("/rules/0/kind", "missing-key")
        assert problem.message.endswith(f"found none; is {slip} meant to be 'kind'?")

    def test_a_rule_key_is_not_taken_for_a_missing_kind(self) -> None:
        """'id' is as near 'kind' as 'knd' is, but a rule's own key is no slip for it."""
        text = HEAD + "rules:\n  - {id: a, clause: c, who: b, action: y, every: month}\n"
        with pytest.raises(RuleSetError) as info:
            load_rules(text.encode(), file="r.yaml")
        (problem,) = info.value.problems
        assert (problem.pointer, problem.code) == ("/rules/0/kind", "missing-key")
        assert problem.message.endswith("found none")

    def test_another_word_for_a_key_of_an_organisation_suggests_the_key(self) -> None:
        """An actor's name is its 'name' (a rule set's is its 'title'); a calendar's period runs
        from 'start' to 'end' (a date range's 'from'/'to')."""
        text = "id: o\nactors:\n  - {id: a, title: A}\ncalendars:\n  s: [{id: s1, from: 2024-01-01, to: 2024-02-01}]\n"
        with pytest.raises(OrganisationError) as info:
            load_org(text.encode(), file="o.yaml")
        assert [(p.pointer, p.code, p.message) for p in info.value.problems if p.code == "unknown-key"] == [
            ("/actors/0/title", "unknown-key", "unknown key 'title'; did you mean 'name'?"),
            ("/calendars/s/0/from", "unknown-key", "unknown key 'from'; did you mean 'start'?"),
            ("/calendars/s/0/to", "unknown-key", "unknown key 'to'; did you mean 'end'?"),
        ]

    def test_a_suggested_key_of_an_organisation_is_one_that_mapping_may_hold(self) -> None:
        """As in a rule set: an actor's 'timezone' is near no key of an actor ('time' is an
        event's); a role grant's 'frm' is near its 'from', named as written (not 'from_')."""
        text = "id: o\nname: O\nactors:\n  - {id: hq, name: HQ, timezone: UTC, roles: [{role: x, frm: 2024-01-01}]}\n"
        with pytest.raises(OrganisationError) as info:
            load_org(text.encode(), file="o.yaml")
        assert [(p.pointer, p.code, p.message) for p in info.value.problems] == [
            ("/actors/0/timezone", "unknown-key", "unknown key 'timezone'"),
            ("/actors/0/roles/0/frm", "unknown-key", "unknown key 'frm'; did you mean 'from'?"),
        ]


class TestNumbersForText:
    """Text a file writes as YAML or JSON reads a number (or true/false) is asked for quoted, as written."""

    def test_json_text_is_asked_for_in_double_quotes(self) -> None:
        """In JSON, 1.10 is the number 1.1 too, and text is quoted with double quotes."""
        rule = '{"id": 1.10, "kind": "informative", "clause": true}'
        text = '{"id": "r", "title": "R", "timezone": "UTC", "rules": [' + rule + "]}"
        with pytest.raises(RuleSetError) as info:
            load_rules(text.encode(), file="r.json")
        assert [(p.pointer, p.code, p.message) for p in info.value.problems] == [
            ("/rules/0/id", "wrong-type", 'expected a string; write it quoted: "1.10"'),
            ("/rules/0/clause", "wrong-type", 'expected a string; write it quoted: "true"'),
        ]

    def test_ids_of_an_organisation_are_asked_for_as_written(self) -> None:
        """An actor's id, role and relation member, a calendar period's id, an exemption's period."""
        text = (
            "id: o\nactors:\n  - {id: 01, roles: [1.10], relations: {x: [02]}}\n"
            "calendars:\n  s: [{id: 1.20, start: 2024-01-01, end: 2024-02-01}]\n"
            "exemptions: [{rule: r, actor: a, reason: x, periods: [2024]}]\n"
        )
        with pytest.raises(OrganisationError) as info:
            load_org(text.encode(), file="o.yaml")
        assert [(p.pointer, p.code, p.message) for p in info.value.problems] == [
            ("/actors/0/id", "wrong-type", "expected a string; write it quoted: '01'"),
            ("/actors/0/roles/0", "wrong-type", "expected a string or a mapping; write it quoted: '1.10'"),
            ("/actors/0/relations/x/0", "wrong-type", "expected a string or a mapping; write it quoted: '02'"),
            ("/calendars/s/0/id", "wrong-type", "expected a string; write it quoted: '1.20'"),
            ("/exemptions/0/periods/0", "wrong-type", "expected a string; write it quoted: '2024'"),
        ]

    def test_a_number_where_no_text_is_taken_is_said_as_before(self) -> None:
        """Where text would not do either ('every' takes a grain's name or a mapping), no quoting is asked for."""
        text = HEAD + "rules:\n  - {id: a, kind: recurring, clause: c, who: b, action: y, every: 2024}\n"
        with pytest.raises(RuleSetError) as info:
            load_rules(text.encode(), file="r.yaml")
        (problem,) = info.value.problems
        assert (problem.pointer, problem.code) == ("/rules/0/every", "wrong-type")
        assert problem.message.endswith("or a mapping, got 2024")

    def test_a_value_only_yaml_1_1_reads_as_a_number_or_true_false_is_refused(self) -> None:
        """Unquoted, YAML 1.1 reads ``010`` as octal 8, ``0x1A`` as 26, ``1:30`` as 90 (base 60),
        ``1_000`` as 1000 and ``no``, ``Yes``, ``on``, ``OFF`` as true or false: a condition of
        ``where`` would hold of a log's ``8`` or ``false``, and a count be another number. Each is
        refused at its line, asking for it quoted or written as read, where a field that takes
        no such value would have taken it silently (a count, a pair rule's ``counterpart``)."""
        text = HEAD + (
            "rules:\n"
            "  - {id: f, kind: forbidden, clause: x, action: act, where: {signed: no, code: 010}}\n"
            "  - {id: g, kind: forbidden, clause: x, action: act,\n"
            "     where: {hex: 0x1A, span: 1:30, n: 1_000, k: [Yes, on, OFF, 1_000.5]}}\n"
            "  - {id: h, kind: recurring, clause: x, who: b, action: act, every: month, min: 010}\n"
        )
        with pytest.raises(RuleSetError) as info:
            load_rules(text.encode(), file="r.yaml")
        problems = info.value.problems
        assert [(p.line, p.pointer, p.code) for p in problems] == [
            (5, "/rules/0/where/signed", "ambiguous-value"),
            (5, "/rules/0/where/code", "ambiguous-value"),
            (7, "/rules/1/where/hex", "ambiguous-value"),
            (7, "/rules/1/where/span", "ambiguous-value"),
            (7, "/rules/1/where/n", "ambiguous-value"),
            (7, "/rules/1/where/k/0", "ambiguous-value"),
            (7, "/rules/1/where/k/1", "ambiguous-value"),
            (7, "/rules/1/where/k/2", "ambiguous-value"),
            (7, "/rules/1/where/k/3", "ambiguous-value"),
            (8, "/rules/2/min", "ambiguous-value"),
        ]
        said = {
            p.pointer.rsplit("/", 2)[-1] if "/k/" in p.pointer else p.pointer.rsplit("/", 1)[-1]: str(p.message)
            for p in problems
        }
        assert (
            said["signed"]
            == "YAML 1.1 reads the unquoted no as false; write it quoted ('no') for the text, or write false"
        )
        assert (
            said["code"]
            == "YAML 1.1 reads the unquoted 010 as the number 8; write it quoted ('010') for the text, or write 8"
        )
        assert said["span"].startswith("YAML 1.1 reads the unquoted 1:30 as the number 90;")
        assert said["min"].endswith("write it quoted ('010') for the text, or write 8")

    def test_true_false_decimal_numbers_and_dates_in_where_read_as_written(self) -> None:
        """``true``/``false`` (in three cases) and numbers in decimal digits read alike in YAML 1.1
        and 1.2, so they are taken; ``y`` and ``n`` are text in both; a date is kept as the text
        written, so a condition on a day holds of a log's text of that day."""
        text = HEAD + (
            "rules:\n"
            "  - {id: f, kind: forbidden, clause: x, action: act,\n"
            "     where: {a: true, b: False, c: 10, d: -3, e: 1.5, f: +5, g: 1.0e+3, h: 2011-10-01, i: '010', j: n}}\n"
        )
        (rule,) = load_rules(text.encode(), file="r.yaml").rules
        assert isinstance(rule, ForbiddenRule)
        assert rule.where == {
            "a": True, "b": False, "c": 10, "d": -3, "e": 1.5, "f": 5, "g": 1000.0, "h": "2011-10-01", "i": "010",
            "j": "n",
        }  # fmt: skip

    def test_an_organisation_refuses_a_value_only_yaml_1_1_reads_as_a_number_or_true_false(self) -> None:
        """In an organisation too: an actor's id ``010`` is asked for quoted as any number is,
        and an unquoted ``no`` where true or false is taken is refused, not read as false."""
        text = (
            "id: o\nactors:\n  - {id: 010}\n  - {id: b, name: {en: B, zh: 乙}, roles: [{role: r, from: 2024-01-01}]}\n"
        )
        with pytest.raises(OrganisationError) as info:
            load_org(text.encode(), file="o.yaml")
        assert [(p.pointer, p.code, str(p.message)) for p in info.value.problems] == [
            ("/actors/0/id", "wrong-type", "expected a string; write it quoted: '010'"),
        ]

    def test_a_map_files_value_read_as_a_number_or_true_false_is_asked_for_quoted(self) -> None:
        """A map file's column is text: one written unquoted as ``no`` or ``010`` is refused
        asking for it quoted, as written."""
        with pytest.raises(LoadError) as info:
            load_map_file(b"fields:\n  actor: no\n", file="m.map.yaml")
        (problem,) = info.value.problems
        assert (problem.line, problem.pointer, problem.code) == (2, "/fields/actor", "wrong-type")
        assert str(problem.message) == "expected a non-empty text, got False; write it quoted: 'no'"
        assert problem.message.said("zh") == "应为非空文本,实为 False;请加引号写作 'no'"  # type: ignore[attr-defined]

    def test_an_unquoted_infinity_is_asked_for_quoted_as_text(self) -> None:
        """``.inf`` and ``.nan`` are no finite numbers; written unquoted, the problem says how the text is written."""
        text = HEAD + "rules:\n  - {id: f, kind: forbidden, clause: x, action: act, where: {x: .inf}}\n"
        assert _problems(text) == [(5, 62, "/rules/0/where/x", "bad-number")]
        with pytest.raises(RuleSetError) as info:
            load_rules(text.encode(), file="r.yaml")
        assert str(info.value.problems[0].message) == (
            "expected a finite number, got '.inf'; write it quoted ('.inf') for the text"
        )


class TestDurationsInRules:
    def test_attribute_and_schema_keys_are_not_durations(self) -> None:
        """'within' as an attribute name or inside a content schema is data, not a duration."""
        text = HEAD + (
            "rules:\n"
            "  - {id: a, kind: forbidden, clause: c, action: y, where: {within: soon, last: 3}}\n"
            "  - {id: b, kind: content, clause: c, action: y, schema: {properties: {first: {const: x}}, title: within}}\n"
        )
        rules = load_rules(text.encode(), file="r.yaml")
        assert isinstance(rules.rules[0], ForbiddenRule)
        assert isinstance(rules.rules[1], ContentRule)

    @pytest.mark.parametrize("written", ["5 business days", "3 working days", "2 workdays"])
    def test_every_way_of_writing_workdays_needs_a_calendar(self, written: str) -> None:
        """A rule set that counts workdays in any wording must name a business-day calendar."""
        text = HEAD + (
            f"rules:\n  - {{id: a, kind: triggered, clause: c, trigger: {{action: x}}, "
            f"steps: [{{action: y, within: {written}}}]}}\n"
        )
        assert _problems(text) == [(1, 1, "/calendar", "missing-calendar")]
        assert load_rules((text + "calendar: weekends\n").encode(), file="r.yaml").calendar == "weekends"


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ("unless: {action: closed}", "/rules/0/unless"),
        ("accept_late: 3 days", "/rules/0/accept_late"),
        ("min: 2", "/rules/0/min"),
        ("max: 1", "/rules/0/max"),
        ("who: {role: x, relation: y}", "/rules/0/who"),
    ],
)
def test_a_rolling_interval_refuses_what_it_would_not_honour(extra: str, pointer: str) -> None:
    """A rolling interval asks only that each event follow the one before within the gap: an
    `unless`, an acceptance limit, counts and pairs would be ignored, so they are refused where
    they are written; `min: 1` (the default, written out) and `roll` are read."""
    rule = "  - {id: rev, kind: recurring, clause: c, who: a1, action: review, max_gap: 1 month, %s}\n"
    text = HEAD + "rules:\n" + rule % extra
    if extra.startswith("who"):
        text = text.replace("who: a1, ", "")
    problems = _problems(text)
    assert [(pointer_, code) for _, _, pointer_, code in problems] == [(pointer, "bad-rule")]
    for kept in ("min: 1", "roll: next-workday"):
        loaded = load_rules((HEAD + "calendar: CN\nrules:\n" + rule % kept).encode(), file="r.yaml")
        assert isinstance(loaded.rules[0], RecurringRule) and loaded.rules[0].max_gap == "1 month"


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("1 month", "expected a span in days, weeks or workdays, got '1 month'"),
        ("12 hours", "expected a span in days, weeks or workdays, got '12 hours'"),
        ("0 days", "expected a span of at least one day, got '0 days'"),
        ("0 workdays", "expected a span of at least one day, got '0 workdays'"),
    ],
)
def test_a_window_span_a_check_would_refuse_is_refused_when_loaded(span: str, expected: str) -> None:
    """A first/last window span in months or hours, or of no day, used to load and fail only at
    check time (or, in workdays, become a one-day window): it is refused where it is written."""
    rule = "  - {id: w, kind: recurring, clause: c, who: a1, action: r, every: month, window: {first: %s}}\n"
    with pytest.raises(RuleSetError) as info:
        load_rules((HEAD + "calendar: CN\nrules:\n" + rule % span).encode(), file="r.yaml")
    assert [(p.pointer, p.code, p.message) for p in info.value.problems] == [
        ("/rules/0/window/first", "bad-window", expected)
    ]
    assert load_rules((HEAD + "calendar: CN\nrules:\n" + rule % "2 workdays").encode(), file="r.yaml").rules


@pytest.mark.parametrize(
    ("lookback", "min_age", "refused"),
    [
        ("2 days", "10 days", True),
        ("9 days", "10 days", True),
        ("10 days", "10 days", False),  # met on the tenth day after the approval's
        ("1 month", "32 days", True),  # a month reaches at most 31 days
        ("1 month", "31 days", False),
        ("30 days", "1 month", False),  # a month from 31 January reaches 28 February
        ("P1Y", "367 days", True),
        ("1 year", "366 days", False),
        ("end of month", "31 days", True),  # the end of the month is at most 30 days after its 1st
        ("end of month", "30 days", False),
        ("5 days", "6 workdays", True),  # six workdays are at least six days
        ("6 days", "6 workdays", False),  # and may be six (after a Sunday, or in a week of make-up workdays)
        ("6 workdays", "5 days", False),  # six workdays may span any number of days
        ("1 workday", "30 days", False),  # one may come after any number of holidays
        ("0 workdays", "1 day", True),  # none: the approval's own day, whatever the calendar
        ("0 workdays", "0 days", False),
        ("3 workdays", "5 workdays", True),  # counted on one calendar, three always end sooner
        ("5 workdays", "5 workdays", False),
        ("2 hours", "3 hours", True),
        ("3 hours", "3 hours", False),
        ("48 hours", "3 days", False),  # local days are not 24 hours: not compared
        ("soon", "10 days", True),  # through the glossary
    ],
)
def test_a_lookback_that_ends_before_the_minimum_age_is_refused(lookback: str, min_age: str, refused: bool) -> None:
    """A prerequisite whose lookback always ends before its minimum age is reached, whatever
    the business-day calendar, can never be met, so it is refused at its lookback, saying both;
    one that is met on some day, or whose units cannot be compared for sure, loads. Before, it
    loaded and every guarded event was unapproved (as did ``0 workdays`` against days, and
    fewer workdays against more)."""
    text = HEAD + (
        "calendar: CN\nglossary: {soon: {duration: 2 days}}\nrules:\n"
        "  - {id: g, kind: prerequisite, clause: c, action: p, requires: [{action: q}], "
        f"lookback: {lookback}, min_age: {min_age}}}\n"
    )
    if not refused:
        assert load_rules(text.encode(), file="r.yaml").rules
        return
    with pytest.raises(RuleSetError) as info:
        load_rules(text.encode(), file="r.yaml")
    [problem] = info.value.problems
    assert (problem.pointer, problem.code) == ("/rules/0/lookback", "bad-rule")
    written = f"{lookback!r}, 2 days" if lookback == "soon" else repr(lookback)
    assert problem.message.startswith(
        f"expected a 'lookback' that reaches as far as 'min_age' ({min_age!r}), got {written}: "
    )


@pytest.mark.parametrize(
    ("limits", "problem"),
    [
        ("lookback: 8 weeks", None),
        ("lookback: 2 days, min_age: 3 days", None),  # rolled, two days may reach the third
        ("min_age: 3 days", ("/rules/0/roll", "bad-roll", "expected a 'lookback' beside 'roll: next-workday'")),
        ("lookback: 48 hours", ("/rules/0/roll", "bad-roll", "expected a deadline in days or workdays to roll")),
    ],
)
def test_a_prerequisites_roll_needs_a_lookback_in_calendar_units(
    limits: str, problem: tuple[str, str, str] | None
) -> None:
    """`roll: next-workday` on a prerequisite rolls the end of its lookback to a workday: it
    loads with a lookback in days, weeks, months or workdays, and a lookback that ends before the
    minimum age unrolled (2 days against 3) may reach it rolled over a weekend, so it is not
    refused; without a lookback (a minimum age is not rolled) or with one in hours, which is
    elapsed time, the roll is refused at its line, as a step's roll in hours is."""
    text = HEAD + (
        "calendar: NL\nrules:\n"
        "  - {id: g, kind: prerequisite, clause: c, action: p, requires: [{action: q}],\n"
        f"     roll: next-workday, {limits}}}\n"
    )
    if problem is None:
        assert load_rules(text.encode(), file="r.yaml").rules
        return
    with pytest.raises(RuleSetError) as info:
        load_rules(text.encode(), file="r.yaml")
    [found] = info.value.problems
    assert (found.pointer, found.code, found.line) == (*problem[:2], 7)
    assert found.message.startswith(problem[2])


def test_an_adjusted_calendar_loads_beside_a_calendar_named_alone() -> None:
    """`calendar: NL` loads as it did, a name; `calendar: {country: NL, ...}` loads an adjusted
    calendar whose days are written as dates (YAML's or quoted), days of every year (`05-05`) or
    holidays' names, each alone or with a name."""
    from govrules.model import AdjustedCalendar

    assert load_rules((HEAD + "calendar: NL\nrules: []\n").encode(), file="r.yaml").calendar == "NL"
    text = HEAD + (
        "calendar:\n"
        "  country: NL\n"
        "  holidays: [{date: '05-05', name: Bevrijdingsdag}, 2024-12-24]\n"
        "  not_holidays: [{name: Good Friday}, '2024-12-26']\n"
        "  workdays: [{date: 2024-10-12, name: make-up day}]\n"
        "rules: []\n"
    )
    calendar = load_rules(text.encode(), file="r.yaml").calendar
    assert isinstance(calendar, AdjustedCalendar)
    assert [(kind, day.date, day.name) for kind, _, day in calendar.listed()] == [
        ("holidays", "05-05", "Bevrijdingsdag"),
        ("holidays", date(2024, 12, 24), None),
        ("not_holidays", None, "Good Friday"),
        ("not_holidays", date(2024, 12, 26), None),
        ("workdays", date(2024, 10, 12), "make-up day"),
    ]


def test_an_adjusted_calendar_refuses_what_cannot_be_meant_at_its_line() -> None:
    """Each problem of an adjusted calendar is said at its line, all in one reading: a date no
    month has (`2024-02-30`, `04-31`) or not written as a date or MM-DD (`5-5`); a day in two
    lists, which would be a workday and not one (the same date, or the same day of every year);
    a holiday's name in `holidays` or `workdays`, which need a date; a name the calendar's
    holidays never go by, with the names it gives close to it; an unknown country."""
    text = HEAD + (
        "calendar:\n"  # 4
        "  country: NL\n"  # 5
        "  holidays:\n"  # 6
        "    - 2024-02-30\n"  # 7
        "    - '04-31'\n"  # 8
        "    - 5-5\n"  # 9
        "rules: []\n"
    )
    assert [(p.line, p.pointer, p.code) for p in _loaded_problems(text)] == [
        (7, "/calendar/holidays/0", "bad-date"),
        (8, "/calendar/holidays/1", "bad-date"),
        (9, "/calendar/holidays/2", "bad-date"),
    ]
    text = HEAD + (
        "calendar:\n"  # 4
        "  country: NL\n"  # 5
        "  holidays: ['05-05', 2024-12-24, {name: Christmas Day}]\n"  # 6
        "  not_holidays:\n"  # 7
        "    - {name: Goede Vrijdag}\n"  # 8
        "    - 2024-12-24\n"  # 9
        "  workdays: ['05-05']\n"  # 10
        "rules: []\n"
    )
    problems = _loaded_problems(text)
    assert [(p.line, p.pointer, p.code) for p in problems] == [
        (6, "/calendar/holidays/2", "bad-calendar"),
        (8, "/calendar/not_holidays/0/name", "bad-calendar"),
        (9, "/calendar/not_holidays/1", "bad-calendar"),
        (10, "/calendar/workdays/0", "bad-calendar"),
    ]
    assert [p.message for p in problems] == [
        "expected a 'date' in 'holidays' (a holiday's name alone is for 'not_holidays')",
        "expected the name of a holiday calendar 'NL' gives, got 'Goede Vrijdag'; did you mean 'Good Friday'?",
        "expected a day in one list only, got '2024-12-24' in 'holidays' (entry 2) and in 'not_holidays'",
        "expected a day in one list only, got '05-05' in 'holidays' (entry 1) and in 'workdays'",
    ]
    text = HEAD + "calendar: {country: XX, holidays: ['05-05']}\nrules: []\n"
    assert [(p.line, p.pointer, p.code) for p in _loaded_problems(text)] == [
        (4, "/calendar/country", "unknown-calendar")
    ]


def _loaded_problems(text: str) -> list[Problem]:
    with pytest.raises(RuleSetError) as info:
        load_rules(text.encode(), file="r.yaml")
    return list(info.value.problems)


class TestOrganisation:
    def test_dated_role_that_ends_before_it_starts(self) -> None:
        """A role grant's 'to' before its 'from' is a bad-range at 'to'."""
        text = "id: o\nactors:\n  - {id: a, roles: [{role: x, from: 2024-05-01, to: 2024-01-01}]}\n"
        with pytest.raises(OrganisationError) as info:
            load_org(text.encode(), file="o.yaml")
        assert [(p.pointer, p.code) for p in info.value.problems] == [("/actors/0/roles/0/to", "bad-range")]

    def test_an_exemption_period_must_be_a_label_or_a_custom_period(self) -> None:
        """``2024-2`` is no label and no period of the organisation's calendars: it would exempt
        nothing, so it is refused at its place; ``2024-q1`` and a semester's id are read."""
        head = "id: o\nactors:\n  - {id: a, roles: [x]}\ncalendars:\n  semester: [{id: fall, start: 2024-09-01, end: 2025-01-17}]\n"
        text = head + "exemptions:\n  - {rule: r, actor: a, periods: [2024-q1, fall, 2024-2], reason: closed}\n"
        with pytest.raises(OrganisationError) as info:
            load_org(text.encode(), file="o.yaml")
        [problem] = info.value.problems
        assert (problem.pointer, problem.code) == ("/exemptions/0/periods/2", "bad-value")
        assert "got '2024-2': it would exempt nothing" in problem.message

    def test_an_actor_id_a_report_would_read_as_a_role_or_a_relation_is_refused(self) -> None:
        """Reports name the holder of a role ``role:NAME`` and the members of an actor's relation
        ``relation:NAME:ACTOR``: an actor with such an id (``role:vp`` beside a role ``vp``) would
        be headed "the holder of role vp", so it is refused at its id, saying why and suggesting
        another (none where that one is taken). So is one written in another case (``Role:vp``,
        ``RELATION:deans:x``), which loaded: a reader of a report, or a spreadsheet filtering
        it, tells no case apart. Other ids with a colon load. Before, it loaded."""
        text = (
            "id: o\nactors:\n  - {id: vp, roles: [vp]}\n  - {id: 'role:vp', roles: [leadership]}\n"
            "  - {id: 'relation:deans:faculty'}\n  - {id: relation-deans-faculty}\n"
            "  - {id: 'Role:vp'}\n  - {id: 'RELATION:deans:x'}\n  - {id: 'roles:x'}\n  - {id: 'cn:role:vp'}\n"
        )
        with pytest.raises(OrganisationError) as info:
            load_org(text.encode(), file="o.yaml")
        assert [(p.pointer, p.line, p.code) for p in info.value.problems] == [
            ("/actors/1/id", 4, "reserved-id"),
            ("/actors/2/id", 5, "reserved-id"),
            ("/actors/4/id", 7, "reserved-id"),
            ("/actors/5/id", 8, "reserved-id"),
        ]
        assert [p.message for p in info.value.problems] == [
            "expected an actor id not starting 'role:' (in any case), got 'role:vp': reports write role:NAME for the "
            "holder of a role, and would take this actor for one; give it another id, such as 'role-vp'",
            "expected an actor id not starting 'relation:' (in any case), got 'relation:deans:faculty': reports write "
            "relation:NAME:ACTOR for the members of an actor's relation, and would take this actor for one; give it "
            "another id",
            "expected an actor id not starting 'role:' (in any case), got 'Role:vp': reports write role:NAME for the "
            "holder of a role, and would take this actor for one; give it another id, such as 'Role-vp'",
            "expected an actor id not starting 'relation:' (in any case), got 'RELATION:deans:x': reports write "
            "relation:NAME:ACTOR for the members of an actor's relation, and would take this actor for one; give it "
            "another id, such as 'RELATION-deans-x'",
        ]
        # an organisation made in Python is refused by the check, as loading it would be
        made = Organisation.model_validate({"id": "o", "actors": [{"id": "vp", "roles": ["vp"]}, {"id": "role:vp"}]})
        rules = load_rules((HEAD + "rules:\n  - {id: i, kind: informative, clause: c}\n").encode(), file="r.yaml")
        with pytest.raises(OrganisationError) as info:
            check(rules, made, [], start=date(2024, 1, 1), end=date(2024, 2, 1))
        assert [(p.pointer, p.code) for p in info.value.problems] == [("/actors/1/id", "reserved-id")]

    def test_a_copy_with_other_actors_finds_its_own_actors(self) -> None:
        """The actor index is built on first use; a copy made with other actors, after that
        first use, looks up its own actors, not the original's."""
        org = load_org(b"id: o\nactors:\n  - {id: office, roles: [office]}\n", file="o.yaml")
        assert org.actor("office") is org.actors[0]
        renamed = org.model_copy(update={"actors": [org.actors[0].model_copy(update={"id": "registry"})]})
        assert (renamed.actor("office"), renamed.actor("registry")) == (None, renamed.actors[0])
        assert org.actor("office") is org.actors[0]
        assert renamed != org


def test_problems_sort_in_file_order_even_without_a_line() -> None:
    """Problems compare by file, line and column; a problem with no line sorts first, not with a TypeError."""
    later = Problem("f", 3, 1, "/a", "x", "m")
    whole_file = Problem("f", None, None, "", "too-large", "m")
    assert sorted([later, whole_file]) == [whole_file, later]
    assert str(whole_file) == "f: m [too-large]"


@pytest.mark.parametrize("syntax", ["yaml", "json"])
def test_a_large_document_is_not_an_alias_bomb(syntax: str) -> None:
    """The cap on values is on what aliases add: a document may hold as many values as it has
    characters (an organisation of 20,000 units has more than the default cap of 200,000)."""
    actors: list[dict[str, object]] = [{"id": f"unit-{i}", "roles": ["school"]} for i in range(60)]
    text = json.dumps({"id": "o", "actors": actors}) if syntax == "json" else _yaml_org(actors)
    small = Limits(max_nodes=50)
    assert len(load_org(text.encode(), file=f"o.{syntax}", limits=small).actors) == 60


def _yaml_org(actors: list[dict[str, object]]) -> str:
    return "id: o\nactors:\n" + "".join(f"  - id: {a['id']}\n    roles: [school]\n" for a in actors)


def test_a_periods_end_serves_deadlines_not_lengths() -> None:
    """'end of year' is a deadline (a step's ``within``, a glossary term for one); as a minimum
    age or a gap it is refused, also through the glossary."""
    text = HEAD + (
        "glossary: {within-the-year: {duration: end of year}}\n"
        "rules:\n"
        "  - {id: a, kind: triggered, clause: c, trigger: {action: x}, steps: [{action: y, within: within-the-year}]}\n"
        "  - {id: b, kind: prerequisite, clause: c, action: p, requires: [{action: q}], min_age: end of year}\n"
        "  - {id: c, kind: recurring, clause: c, who: {role: r}, action: z, max_gap: within-the-year}\n"
    )
    assert _problems(text) == [(7, 80, "/rules/1/min_age", "bad-duration"), (8, 68, "/rules/2/max_gap", "bad-duration")]
    valid = (
        HEAD
        + "rules:\n  - {id: a, kind: triggered, clause: c, trigger: {action: x}, steps: [{action: y, within: end of year}]}\n"
    )
    [rule] = load_rules(valid.encode(), file="r.yaml").rules
    assert rule.steps[0].within == "end of year"  # type: ignore[union-attr]


def test_padding_does_not_raise_the_cap_of_a_document_with_aliases() -> None:
    """A small alias bomb padded with a long comment: the cap is the limit, not the file's length."""
    bomb = "x: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\ny: &b [" + ", ".join(["*a"] * 10) + "]\n"
    text = "id: o\n" + bomb + "z: [" + ", ".join(["*b"] * 10) + "]\n" + "#" + "p" * 5000 + "\nactors: []\n"
    with pytest.raises(OrganisationError) as info:
        load_org(text.encode(), file="o.yaml", limits=Limits(max_nodes=50))
    [problem] = info.value.problems
    assert problem.code == "too-large" and "expected at most 50 values" in problem.message


def test_a_school_years_exempt_periods_name_its_years() -> None:
    """Years from September are labelled 2024-09/P1Y: `2024` or `P1Y` would exempt nothing (they
    were taken and ignored); the label, or its ending `09/P1Y`, is taken."""
    rule = "{id: y, kind: recurring, clause: c, who: x, action: plan, every: {year_starting: 9}, exempt_periods: %s}"
    loaded = load_rules((HEAD + "rules:\n  - " + rule % "[2024-09/P1Y, 09/P1Y]" + "\n").encode(), file="r.yaml")
    assert loaded.rules[0].exempt_periods == ["2024-09/P1Y", "09/P1Y"]  # type: ignore[union-attr]
    with pytest.raises(RuleSetError) as info:
        load_rules((HEAD + "rules:\n  - " + rule % "['2024', P1Y]" + "\n").encode(), file="r.yaml")
    assert [(p.code, p.pointer) for p in info.value.problems] == [
        ("bad-value", "/rules/0/exempt_periods/0"),
        ("bad-value", "/rules/0/exempt_periods/1"),
    ]
    assert info.value.problems[0].message == (
        "expected a label of the rule's periods (years from month 9) or its ending, such as '2020-09/P1Y' or "
        "'09/P1Y', got '2024': it would exempt nothing"
    )


def test_a_window_its_exempt_periods_would_miss_loads() -> None:
    """``month: 12`` on a quarterly rule whose Q1 to Q3 are exempt is checked, not refused: only
    the periods left owe a window."""
    text = HEAD + (
        "rules:\n  - {id: a, kind: recurring, clause: c, who: {role: r}, action: x, every: quarter,\n"
        "     exempt_periods: [Q1, Q2, Q3], window: {month: 12}}\n"
    )
    [rule] = load_rules(text.encode(), file="r.yaml").rules
    assert rule.window is not None and rule.window.month == 12  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("week_start", "exempt", "refused"),
    [
        ("monday", "[W52, 2024-W01]", []),
        ("monday", "['2024-12-23/P1W']", ["got '2024-12-23/P1W' (write '2024-W52'): it would exempt nothing"]),
        ("sunday", "['12-22/P1W', '2024-12-22/P1W']", []),
        ("sunday", "[W52]", ["such as '2020-07-05/P1W' or '07-05/P1W', got 'W52': it would exempt nothing"]),
    ],
)
def test_exempt_weeks_are_named_as_the_rule_set_labels_its_weeks(
    week_start: str, exempt: str, refused: list[str]
) -> None:
    """ISO weeks (from Monday) are labelled 2024-W52, weeks from another day by their first day
    (2024-12-22/P1W): an exempt period must name them so, whole or by its ending, or it would
    exempt nothing, which is refused where it is written."""
    text = (
        HEAD
        + f"week_start: {week_start}\n"
        + (
            f"rules:\n  - {{id: a, kind: recurring, clause: c, who: {{role: r}}, action: x, every: week, exempt_periods: {exempt}}}\n"
        )
    )
    if not refused:
        assert load_rules(text.encode(), file="r.yaml").rules[0].exempt_periods  # type: ignore[union-attr]
        return
    with pytest.raises(RuleSetError) as info:
        load_rules(text.encode(), file="r.yaml")
    assert [(p.code, p.pointer) for p in info.value.problems] == [("bad-value", "/rules/0/exempt_periods/0")]
    assert [p.message[-len(r) :] for p, r in zip(info.value.problems, refused, strict=True)] == refused


class TestParties:
    STEP = "rules:\n- id: a\n  kind: triggered\n  clause: c\n  trigger: {action: t}\n  steps:\n  - {action: r, within: 7 days, to: %s}\n"

    def test_a_relation_of_the_triggers_actor_is_a_party(self) -> None:
        """``{trigger: actor, relation: R}`` names any member of the trigger's actor's relation."""
        rules = load_rules((HEAD + self.STEP % "{trigger: actor, relation: authorities}").encode(), file="r.yaml")
        step = rules.rules[0].steps[0]  # type: ignore[union-attr]
        assert (step.to.trigger, step.to.relation) == ("actor", "authorities")  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        "party",
        [
            "{relation: authorities}",  # a relation of whom?
            "{role: authority, relation: authorities}",  # pairs are for 'who' only
        ],
    )
    def test_a_relation_needs_a_role_in_who_or_a_trigger(self, party: str) -> None:
        text = HEAD + self.STEP % party
        column = text.splitlines()[9].index("relation") + 1
        assert _problems(text) == [(10, column, "/rules/0/steps/0/to/relation", "bad-party")]

    def test_a_recurring_rule_has_no_trigger_to_address(self) -> None:
        text = (
            HEAD
            + "rules:\n- {id: a, kind: recurring, clause: c, who: x, action: y, every: month, to: {trigger: actor}}\n"
        )
        assert [(p, c) for _, _, p, c in _problems(text)] == [("/rules/0/to", "bad-rule")]


class TestExtension:
    RULE = "  - {id: a, kind: recurring, clause: c, who: x, action: y, %s, extension: {action: nt, %swithin: 1 day, extends_by: 5 days}}\n"

    def test_an_extension_moves_a_calendar_periods_due_moment_only(self) -> None:
        """A rolling interval has no period whose due moment could move."""
        text = HEAD + "rules:\n" + self.RULE % ("max_gap: 6 months", "")
        assert [(p, c) for _, _, p, c in _problems(text)] == [("/rules/0/extension", "bad-rule")]

    def test_an_extension_is_a_length_not_a_periods_end(self) -> None:
        """``extends_by`` is a length added to the prescribed due moment: a period's end, a moment,
        is refused."""
        for end in ("end of month", "end of quarter"):
            text = (
                HEAD + "rules:\n" + self.RULE.replace("extends_by: 5 days", f"extends_by: {end}") % ("every: month", "")
            )
            assert [(p, c) for _, _, p, c in _problems(text)] == [("/rules/0/extension/extends_by", "bad-duration")]

    def test_an_extensions_clause_is_a_declared_one(self) -> None:
        clauses = "clauses:\n  - {id: c, words: w}\n  - {id: Rule 12b-25(b), words: w}\n"
        good = HEAD + clauses + "rules:\n" + self.RULE % ("every: month", "clause: Rule 12b-25(b), ")
        assert load_rules(good.encode(), file="r.yaml").rules[0].extension.clause == "Rule 12b-25(b)"  # type: ignore[union-attr]
        bad = HEAD + clauses + "rules:\n" + self.RULE % ("every: month", "clause: Rule 12b-25(c), ")
        assert [(p, c) for _, _, p, c in _problems(bad)] == [("/rules/0/extension/clause", "unknown-clause")]


class TestStepExtension:
    """A triggered rule's step takes an ``extension`` refused as a recurring rule's is."""

    RULE = (
        "  - id: t\n    kind: triggered\n    clause: c\n    trigger: {action: received}\n"
        "    steps:\n      - {action: reply, within: 20 workdays, roll: %s, "
        "extension: {action: nt, within: 0 days, extends_by: %s%s}}\n"
    )
    HEADER = HEAD + "calendar: CN\n"

    def test_a_steps_extension_is_a_length_not_a_periods_end(self) -> None:
        text = self.HEADER + "rules:\n" + self.RULE % ("none", "end of month", "")
        assert [(p, c) for _, _, p, c in _problems(text)] == [("/rules/0/steps/0/extension/extends_by", "bad-duration")]

    def test_a_steps_extension_in_hours_is_not_rolled(self) -> None:
        text = self.HEADER + "rules:\n" + self.RULE % ("next-workday", "12 hours", "")
        assert [(p, c) for _, _, p, c in _problems(text)] == [("/rules/0/steps/0/roll", "bad-roll")]
        rules = load_rules((self.HEADER + "rules:\n" + self.RULE % ("next-workday", "20 workdays", "")).encode())
        assert rules.rules[0].steps[0].extension.extends_by == "20 workdays"  # type: ignore[union-attr]

    def test_a_steps_extensions_clause_is_a_declared_one(self) -> None:
        clauses = "clauses:\n  - {id: c, words: w}\n  - {id: Art. 33(2), words: w}\n"
        good = self.HEADER + clauses + "rules:\n" + self.RULE % ("none", "20 workdays", ", clause: Art. 33(2)")
        rules = load_rules(good.encode(), file="r.yaml")
        assert rules.rules[0].cited_clauses() == {"clause": "c", "steps/0/extension/clause": "Art. 33(2)"}
        bad = self.HEADER + clauses + "rules:\n" + self.RULE % ("none", "20 workdays", ", clause: Art. 33(3)")
        assert [(p, c) for _, _, p, c in _problems(bad)] == [("/rules/0/steps/0/extension/clause", "unknown-clause")]


def test_a_trigger_party_is_a_field_of_the_trigger_or_one_of_its_attributes() -> None:
    """``{trigger: ...}`` names the trigger's actor, subject or recipient, or the party one of its
    attributes names (``attributes.applicant``); anything else is refused, with the field or the
    attribute form meant. The trigger's attributes are then kept when a log is read."""
    rule = (
        "  - {id: t, kind: triggered, clause: c, trigger: {action: received}, "
        "steps: [{action: reply, within: 2 days, to: {trigger: %s}}]}\n"
    )
    rules = load_rules((HEAD + "rules:\n" + rule % "attributes.applicant").encode(), file="r.yaml")
    assert rules.rules[0].steps[0].to.trigger == "attributes.applicant"  # type: ignore[union-attr]
    assert rules.attribute_actions() == {"received"}
    expected = "expected 'actor', 'subject', 'recipient' or 'attributes.NAME' (the party the trigger event names in its attribute NAME), got "
    for written, said in (
        ("subjct", f"{expected}'subjct'; did you mean 'subject'?"),
        ("attribute.applicant", f"{expected}'attribute.applicant'; did you mean 'attributes.applicant'?"),
        ("attributes.", f"{expected}'attributes.'"),
    ):
        with pytest.raises(RuleSetError) as info:
            load_rules((HEAD + "rules:\n" + rule % written).encode(), file="r.yaml")
        [problem] = info.value.problems
        assert (problem.pointer, problem.code, problem.message) == ("/rules/0/steps/0/to/trigger", "bad-value", said)


def test_a_steps_clause_is_a_declared_one() -> None:
    """A step's `clause` is checked against the declared clauses, at the step's own pointer."""
    rule = (
        "  - id: chain\n    kind: triggered\n    clause: Art. 34\n    trigger: {action: inspection}\n"
        "    steps:\n      - {action: report, within: 7 days}\n      - {action: feedback, within: 7 days, clause: %s}\n"
    )
    clauses = "clauses:\n  - {id: Art. 34, words: w}\n  - {id: Art. 34(1), words: w}\n"
    good = HEAD + clauses + "rules:\n" + rule % "Art. 34(1)"
    assert load_rules(good.encode(), file="r.yaml").rules[0].steps[1].clause == "Art. 34(1)"  # type: ignore[union-attr]
    bad = HEAD + clauses + "rules:\n" + rule % "Art. 34(2)"
    with pytest.raises(RuleSetError) as info:
        load_rules(bad.encode(), file="r.yaml")
    [problem] = info.value.problems
    assert (problem.pointer, problem.code, problem.line) == ("/rules/0/steps/1/clause", "unknown-clause", 14)
    assert "did you mean 'Art. 34(1)'" in problem.message


def test_a_comparison_in_where_is_checked_when_loaded() -> None:
    """A comparison's bounds are numbers, its keys gt/gte/lt/lte (a slip is suggested), and it
    holds of some number: otherwise its rule would select no event."""
    rule = (
        "  - {id: p, kind: prerequisite, clause: c, action: purchase, where: {amount: %s}, requires: [{action: ok}]}\n"
    )
    good = HEAD + "rules:\n" + rule % "{gt: 50000, lte: 1000000}"
    assert load_rules(good.encode(), file="r.yaml").rules[0].where == {"amount": {"gt": 50000, "lte": 1000000}}  # type: ignore[union-attr]
    for written, code, said in (
        ("{gt: '50000'}", "bad-value", "expected a number as a comparison's bound, got '50000'"),
        ("{gtt: 5}", "unknown-key", "unknown key 'gtt'; did you mean 'gt'?"),
        ("{}", "bad-rule", "expected at least one of 'gt', 'gte', 'lt', 'lte' in a comparison"),
        ("{gte: 6, lt: 6}", "bad-rule", "expected bounds some number meets, got {'gte': 6, 'lt': 6}: it holds of none"),
    ):
        with pytest.raises(RuleSetError) as info:
            load_rules((HEAD + "rules:\n" + rule % written).encode(), file="r.yaml")
        [problem] = info.value.problems
        assert (problem.code, problem.message) == (code, said), written


def test_a_relation_member_for_some_dates_names_a_known_actor() -> None:
    """A dated member (`{actor, from, to}`) is an actor of the organisation, said at its own key,
    and its dates are in order."""
    org = "id: o\nactors:\n  - {id: f, relations: {deans: [{actor: dean-x, to: 2024-06-30}, {actor: f, from: 2024-07-01, to: 2024-01-01}]}}\n"
    with pytest.raises(OrganisationError) as info:
        load_org(org.encode(), file="o.yaml")
    # the model's problems first: the cross-checks of ids run on an organisation that loads
    assert [(p.pointer, p.code) for p in info.value.problems] == [("/actors/0/relations/deans/1/to", "bad-range")]
    ordered = org.replace("to: 2024-01-01", "to: 2024-12-31")
    with pytest.raises(OrganisationError) as info:
        load_org(ordered.encode(), file="o.yaml")
    assert [(p.pointer, p.code, p.line) for p in info.value.problems] == [
        ("/actors/0/relations/deans/0/actor", "unknown-actor", 3)
    ]


class TestGlossaryReadings:
    GLOSSARY = (
        "glossary:\n"
        "  promptly: {duration: 7 days}\n"
        "  mid-month: {days: 11-20, words: 中旬}\n"
        "  soft: {strictness: in-principle, words: 原则上}\n"
    )
    RULE = "rules:\n  - {id: a, kind: recurring, clause: c, who: x, action: y, every: quarter, %s}\n"

    def _problems(self, fields: str, glossary: str = GLOSSARY) -> list[tuple[str, str, str]]:
        with pytest.raises(RuleSetError) as info:
            load_rules((HEAD + glossary + self.RULE % fields).encode(), file="r.yaml")
        return [(p.pointer, p.code, p.message) for p in info.value.problems]

    def test_a_window_names_its_days_and_strictness_by_glossary_terms(self) -> None:
        text = HEAD + self.GLOSSARY + self.RULE % "window: {month: last, days: mid-month, strictness: soft}"
        rules = load_rules(text.encode(), file="r.yaml")
        window = rules.window(rules.rules[0].window)  # type: ignore[union-attr,arg-type]
        assert (window.month, window.days, window.strictness) == ("last", "11-20", "in-principle")
        assert (rules.glossary["mid-month"].kind, rules.glossary["soft"].kind) == ("days", "strictness")

    @pytest.mark.parametrize(
        ("fields", "pointer", "says"),
        [
            ("window: {days: mid-mnth}", "/rules/0/window/days", "did you mean 'mid-month'?"),
            ("window: {days: promptly}", "/rules/0/window/days", "which reads as a duration"),
            ("window: {days: mid-month, strictness: promptly}", "/rules/0/window/strictness", "reads as a duration"),
            ("due_after: mid-month", "/rules/0/due_after", "'mid-month', which reads as a day range of a month"),
        ],
    )
    def test_a_term_of_another_kind_or_none_is_refused(self, fields: str, pointer: str, says: str) -> None:
        [(at, code, message)] = self._problems(fields)
        assert (at, code) == (pointer, "unknown-term")
        assert says in message

    @pytest.mark.parametrize("entry", ["{duration: 7 days, days: 1-10}", "{words: 及时}"])
    def test_a_glossary_entry_has_exactly_one_reading(self, entry: str) -> None:
        problems = self._problems("window: {days: 1-10}", glossary=f"glossary:\n  promptly: {entry}\n")
        assert [(at, code) for at, code, _ in problems] == [("/glossary/promptly", "bad-term")]


class TestRefusedAtLoad:
    """What the checks of a party, an extension and a window refuse before any check runs."""

    @pytest.mark.parametrize(
        ("rule", "pointer", "code"),
        [
            (
                "{id: a, kind: forbidden, clause: c, action: y, by: {trigger: actor}}",
                "/rules/0/by/trigger",
                "bad-party",
            ),
            (
                "{id: a, kind: triggered, clause: c, trigger: {action: t, by: {trigger: actor}}, steps: [{action: r, within: 1 day}]}",
                "/rules/0/trigger/by/trigger",
                "bad-party",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, unless: {action: z, by: {trigger: actor}}}",
                "/rules/0/unless",
                "bad-party",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, window: {days: 1-10}, extension: {action: n, within: 1 day, extends_by: 5 days}}",
                "/rules/0/extension",
                "bad-rule",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, extension: {action: n, within: 1 day, extends_by: soonish}}",
                "/rules/0/extension/extends_by",
                "unknown-term",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, extension: {action: n, within: 1 day, extends_by: end of year}}",
                "/rules/0/extension/extends_by",
                "bad-duration",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, window: {days: 0-10}}",
                "/rules/0/window/days",
                "bad-window",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, max_gap: 12 hours}",
                "/rules/0/max_gap",
                "bad-rule",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, max_gap: 0 days}",  # no log closes it
                "/rules/0/max_gap",
                "bad-rule",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, max_gap: P0W}",
                "/rules/0/max_gap",
                "bad-rule",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, min: false}",
                "/rules/0/min",
                "wrong-type",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, max: true}",
                "/rules/0/max",
                "wrong-type",
            ),
            (
                "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, min: '2'}",
                "/rules/0/min",
                "wrong-type",
            ),
        ],
    )
    def test_refused(self, rule: str, pointer: str, code: str) -> None:
        assert [(p, c) for _, _, p, c in _problems(HEAD + "rules:\n  - " + rule + "\n")] == [(pointer, code)]

    def test_a_message_quoting_yaml_braces_keeps_them_single(self) -> None:
        """A message that quotes a flow mapping (``to: {counterpart: true}``) shows it as written."""
        rule = "{id: a, kind: recurring, clause: c, who: x, to: {counterpart: true}, action: y, every: month}"
        with pytest.raises(RuleSetError) as info:
            load_rules((HEAD + "rules:\n  - " + rule + "\n").encode(), file="r.yaml")
        [problem] = info.value.problems
        assert (problem.pointer, problem.code) == ("/rules/0/to", "bad-rule")
        assert problem.message == "'to: {counterpart: true}' expects 'who' with a 'relation'"

    def test_an_extension_in_hours_is_not_rolled(self) -> None:
        rule = "{id: a, kind: recurring, clause: c, who: x, action: y, every: month, roll: next-workday, extension: {action: n, within: 1 day, extends_by: 36 hours}}"
        text = HEAD + "calendar: US\nrules:\n  - " + rule + "\n"
        assert [(p, c) for _, _, p, c in _problems(text)] == [("/rules/0/roll", "bad-roll")]

    def test_a_glossary_day_range_ends_on_or_after_its_start(self) -> None:
        text = HEAD + "glossary:\n  odd: {days: 20-11}\nrules: []\n"
        assert [(p, c) for _, _, p, c in _problems(text)] == [("/glossary/odd/days", "bad-window")]


def test_a_rule_set_made_in_python_has_its_terms_checked_when_checked() -> None:
    """A rule set validated in Python rather than loaded: an unknown term is a RuleSetError from
    check(), with the term's place, not a KeyError half-way through."""
    from datetime import date

    from govrules import check
    from govrules.model import Organisation, RuleSet

    rules = RuleSet.model_validate(
        {
            "id": "r",
            "title": "R",
            "timezone": "UTC",
            "glossary": {"mid-month": {"days": "11-20"}},
            "rules": [
                {
                    "id": "a",
                    "kind": "recurring",
                    "clause": "c",
                    "who": "x",
                    "action": "y",
                    "every": "month",
                    "window": {"days": "mid-month", "strictness": "soft"},
                },
                {
                    "id": "b",
                    "kind": "triggered",
                    "clause": "c",
                    "trigger": {"action": "t"},
                    "steps": [{"action": "r", "within": "mid-month"}],
                },
            ],
        }
    )
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "x"}]})
    with pytest.raises(RuleSetError) as info:
        check(rules, org, [], start=date(2024, 1, 1), end=date(2024, 2, 1))
    assert [(p.pointer, p.code) for p in info.value.problems] == [
        ("/rules/1/steps/0/within", "unknown-term"),
        ("/rules/0/window/strictness", "unknown-term"),
    ]
    assert "'mid-month', which reads as a day range of a month" in info.value.problems[0].message


def test_what_a_loader_refuses_is_refused_when_made_in_python() -> None:
    """A rule set or organisation made in Python gets every check its loader gives a file. An
    organisation listing an actor twice (a join of an HR table) owed every obligation twice, so
    each report met one and left a false `missing`; an exemption of an unknown actor was
    ignored; a rule id used twice was taken. Each is now the error its loader gives, of the
    file's kind: an organisation's problem is an OrganisationError, not a RuleSetError."""
    from collections.abc import Mapping
    from datetime import date

    from govrules import check
    from govrules.errors import InvalidArgument
    from govrules.model import Organisation, RuleSet

    monthly = {"id": "m", "kind": "recurring", "clause": "c", "who": {"role": "branch"}, "action": "report"}
    rules = RuleSet.model_validate(
        {"id": "r", "title": "R", "timezone": "UTC", "rules": [{**monthly, "every": "month"}]}
    )
    actors = [{"id": "b1", "roles": ["branch"]}, {"id": "b2", "roles": ["branch"]}]

    def problems(rule_set: RuleSet, org: Mapping[str, object], error: type[Exception]) -> list[tuple[str, str]]:
        with pytest.raises(error) as info:
            check(
                rule_set,
                Organisation.model_validate({"id": "o", **org}),
                [],
                start=date(2024, 1, 1),
                end=date(2024, 2, 1),
            )
        return [(p.pointer, p.code) for p in info.value.problems]  # type: ignore[attr-defined]

    twice = {"actors": [*actors, {"id": "b1", "roles": ["branch"], "name": "Branch 1"}]}
    assert problems(rules, twice, OrganisationError) == [("/actors/2/id", "duplicate-id")]
    ghost = {"actors": actors, "exemptions": [{"rule": "m", "actor": "b9", "periods": ["2024-01"], "reason": "x"}]}
    assert problems(rules, ghost, OrganisationError) == [("/exemptions/0/actor", "unknown-actor")]
    stray = {"actors": actors, "exemptions": [{"rule": "q", "actor": "b1", "periods": ["2024-01"], "reason": "x"}]}
    assert problems(rules, stray, OrganisationError) == [("/exemptions/0/rule", "unknown-rule")]
    doubled = rules.model_copy(update={"rules": [*rules.rules, *rules.rules]})
    assert problems(doubled, twice, RuleSetError) == [("/rules/1/id", "duplicate-id"), ("/actors/2/id", "duplicate-id")]
    loaded = load_org(b"id: o\nactors:\n  - {id: b1, roles: [branch]}\n", file="o.yaml")
    copied = loaded.model_copy(update={"actors": [*loaded.actors, *loaded.actors]})  # keeps the source map
    with pytest.raises(OrganisationError) as raised:
        check(rules, copied, [], start=date(2024, 1, 1), end=date(2024, 2, 1))
    assert [(p.file, p.pointer, p.code) for p in raised.value.problems] == [("o.yaml", "/actors/1/id", "duplicate-id")]
    with pytest.raises(InvalidArgument, match="got the string 'b1'"):  # the characters 'b' and '1' are no actors
        check(
            rules,
            Organisation.model_validate({"id": "o", "actors": actors}),
            [],
            start=date(2024, 1, 1),
            end=date(2024, 2, 1),
            actors="b1",
        )


def test_a_recurrence_that_never_occurs_is_refused_when_loaded_and_when_checked() -> None:
    """A rule whose recurrence no day meets (30 February, every day of it) opened no period: it
    passed ``validate``, and each check searched dateutil's calendar to the year 9999 for an
    occurrence, seconds a rule. It is refused at its ``rrule`` (``bad-rrule``) when loaded, and
    by the check and the obligations of a rule set made in Python, as loading refuses it."""
    from govrules import obligations

    every = {"rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "start": "2024-01-01"}
    text = (
        HEAD
        + f"rules:\n  - {{id: m, kind: recurring, clause: c, who: b1, action: report, every: {json.dumps(every)}}}\n"
    )
    assert _problems(text) == [(5, 74, "/rules/0/every/rrule", "bad-rrule")]
    rule = {"id": "m", "kind": "recurring", "clause": "c", "who": "b1", "action": "report", "every": every}
    rules = RuleSet.model_validate({"id": "r", "title": "R", "timezone": "UTC", "rules": [rule]})
    org = Organisation.model_validate({"id": "o", "actors": [{"id": "b1"}]})
    start, end = date(2024, 1, 1), date(2025, 1, 1)
    for refused in (
        lambda: check(rules, org, [], start=start, end=end),
        lambda: obligations(rules, org, start=start, end=end),
    ):
        with pytest.raises(RuleSetError) as info:
            refused()
        assert [(p.pointer, p.code) for p in info.value.problems] == [("/rules/0/every/rrule", "bad-rrule")]


_CHANGED_RULES = b"id: s\ntitle: s\ntimezone: UTC\nrules:\n  - {id: m, kind: recurring, clause: C, who: {role: branch}, action: report, every: month}\n"
_CHANGED_ORG = b"id: o\nactors: [{id: b1, roles: [branch]}]\n"
Change = Callable[[RuleSet, Organisation], tuple[RuleSet, Organisation]]


def _rule(**update: object) -> Change:
    """A change of the rule set's rule."""
    return lambda rules, org: (rules.model_copy(update={"rules": [rules.rules[0].model_copy(update=update)]}), org)


@pytest.mark.parametrize(
    ("change", "error", "problems"),
    [
        (
            lambda r, o: (r, o.model_copy(update={"timezone": "Europe/Rom"})),
            OrganisationError,
            [("o.yaml", "/timezone", "bad-timezone")],
        ),
        (
            lambda r, o: (r.model_copy(update={"timezone": 8}), o),
            RuleSetError,
            [("r.yaml", "/timezone", "wrong-type")],
        ),
        (
            lambda r, o: (r.model_copy(update={"week_start": "Sunday"}), o),
            RuleSetError,
            [("r.yaml", "/week_start", "bad-value")],
        ),
        (_rule(every="fortnight"), RuleSetError, [("r.yaml", "/rules/0/every", "bad-value")]),
        (_rule(kind="Recurring"), RuleSetError, [("r.yaml", "/rules/0/kind", "unknown-kind")]),
        (_rule(min=-1), RuleSetError, [("r.yaml", "/rules/0/min", "out-of-range")]),
        (_rule(who={"role": "branch", "trigger": "actor"}), RuleSetError, [("r.yaml", "/rules/0/who", "bad-party")]),
        (  # each one's problems, as loading each would give them
            lambda r, o: (
                r.model_copy(update={"rules": [*r.rules, *r.rules]}),
                o.model_copy(update={"timezone": "Mars/Base"}),
            ),
            RuleSetError,
            [("r.yaml", "/rules/1/id", "duplicate-id"), ("o.yaml", "/timezone", "bad-timezone")],
        ),
    ],
    ids=["org-zone", "zone-type", "week-start", "every", "kind", "min", "who", "both"],
)
def test_a_value_changed_after_loading_is_refused_by_check_as_loading_would(
    change: Change, error: type[Exception], problems: list[tuple[str, str, str]]
) -> None:
    """A loaded rule set or organisation changed with `model_copy`, which validates nothing, is
    refused by `check`, `obligations` and `zone_of` as loading its data would refuse it, as the
    error of the object at fault, at the pointer. Before, an unknown zone escaped as a
    ZoneInfoNotFoundError, a misspelt week start or kind as a KeyError, a misspelt period as a
    ValueError, and a negative ``min`` was checked and found nothing."""
    from datetime import date

    from govrules import check, obligations, zone_of

    rules, org = change(load_rules(_CHANGED_RULES, file="r.yaml"), load_org(_CHANGED_ORG, file="o.yaml"))
    calls: list[Callable[[], object]] = [
        lambda: check(rules, org, [], start=date(2024, 1, 1), end=date(2024, 3, 1)),
        lambda: list(obligations(rules, org, date(2024, 1, 1), date(2024, 3, 1))),
    ]
    if any(pointer == "/timezone" for _, pointer, _ in problems):
        calls.append(lambda: zone_of(rules, org))
    for call in calls:
        with pytest.raises(error) as info:
            call()
        assert [(p.file, p.pointer, p.code) for p in info.value.problems] == problems  # type: ignore[attr-defined]


def test_values_of_another_type_that_loading_reads_are_checked_as_loading_reads_them() -> None:
    """A value that loading reads into the type the model declares (a mapping for a fiscal
    year, a rule written as a mapping) is checked as loading gives it: the fiscal year's
    obligations are owed, where before the mapping was taken for no period at all, and the
    rule as a mapping stopped the check with an AttributeError."""
    from datetime import date

    from govrules import check, obligations

    fiscal, org = _rule(every={"year_starting": 4})(
        load_rules(_CHANGED_RULES, file="r.yaml"), load_org(_CHANGED_ORG, file="o.yaml")
    )
    loaded = load_rules(_CHANGED_RULES.replace(b"every: month", b"every: {year_starting: 4}"), file="r.yaml")
    start, end = date(2024, 1, 1), date(2026, 1, 1)
    owed = [(o.rule, o.actor, o.period) for o in obligations(loaded, org, start, end)]
    assert owed == [("m", "b1", "2024-04/P1Y"), ("m", "b1", "2025-04/P1Y")]
    assert [(o.rule, o.actor, o.period) for o in obligations(fiscal, org, start, end)] == owed
    as_mapping = fiscal.model_copy(update={"rules": [fiscal.rules[0].model_dump(by_alias=True, warnings=False)]})
    expected = check(loaded, org, [], start=start, end=end)
    assert [(f.code.value, f.period) for f in expected.findings] == [
        ("missing", "2024-04/P1Y"),
        ("pending", "2025-04/P1Y"),
    ]
    for rule_set in (fiscal, as_mapping):
        assert check(rule_set, org, [], start=start, end=end) == expected


def test_a_pair_rule_whose_relation_no_holder_of_its_role_has_is_refused() -> None:
    """Each branch briefs each of its schools, but the schools are listed under the central
    school, not under any branch: the rule owed nothing, silently. It is refused at the rule's
    relation, naming who has it; a holder with one member is enough."""
    from govrules.loaders import cross_check

    rules = load_rules(
        (
            HEAD + "rules:\n  - {id: b, kind: recurring, clause: c, who: {role: branch, relation: schools}, "
            "action: briefing, to: {counterpart: true}, every: year}\n"
        ).encode(),
        file="r.yaml",
    )
    org = load_org(
        b"id: o\nactors:\n  - {id: central, relations: {schools: [s1]}}\n  - {id: b1, roles: [branch]}\n"
        b"  - {id: b2, roles: [branch], relations: {schools: []}}\n  - {id: s1}\n",
        file="o.yaml",
    )
    [problem] = cross_check(rules, org)
    assert (problem.file, problem.pointer, problem.code) == ("r.yaml", "/rules/0/who/relation", "unknown-relation")
    assert problem.message == (
        "no holder of role 'branch' has a member in relation 'schools', so the rule would owe nothing; "
        "actors with it: central"
    )
    held = load_org(
        b"id: o\nactors:\n  - {id: b1, roles: [branch]}\n  - {id: b2, roles: [branch], relations: {schools: [s1]}}\n"
        b"  - {id: s1}\n",
        file="o.yaml",
    )
    assert cross_check(rules, held) == []


def test_every_period_overlapping_an_earlier_one_is_said() -> None:
    """A year-long period and three semesters inside or touching it: each semester is an
    overlap, said at once (only the first was, as periods were compared with their neighbour)."""
    text = (
        "id: o\nactors:\n  - {id: a}\ncalendars:\n  sem:\n"
        "    - {id: long, start: 2024-01-01, end: 2024-12-31}\n"
        "    - {id: s1, start: 2024-02-01, end: 2024-06-30}\n"
        "    - {id: s2, start: 2024-09-01, end: 2024-12-20}\n"
        "    - {id: touch, start: 2024-12-31, end: 2025-01-31}\n"
    )
    with pytest.raises(OrganisationError) as info:
        load_org(text.encode(), file="o.yaml")
    assert [(p.code, p.pointer, p.line) for p in info.value.problems] == [
        ("overlap", "/calendars/sem/1", 7),
        ("overlap", "/calendars/sem/2", 8),
        ("overlap", "/calendars/sem/3", 9),
    ]
    assert info.value.problems[2].message == (
        "period 'touch' starts on 2024-12-31, on or before the day period 'long' ends (2024-12-31)"
    )


def test_a_where_on_recipient_names_actors_the_organisation_holds() -> None:
    """`where: {recipient: ...}` names an actor as `to` does (a prerequisite's required report
    is written so): a misspelt one would hold of no event, so it is an unknown actor, with its
    line and the actor meant. Before, it was accepted and the requirement could never be met."""
    from govrules.loaders import cross_check

    rules = load_rules(
        b"""id: t
title: T
timezone: Asia/Shanghai
rules:
  - id: post-review
    kind: prerequisite
    clause: D11.9
    action: post
    requires:
      - {action: report, where: {recipient: school-competent-departmnet}}
  - id: no-direct-posts
    kind: forbidden
    clause: D11.9
    action: post
    where: {recipient: [hq, hqq]}
""",
        file="rules.yaml",
    )
    org = load_org(
        b'{"id": "o", "actors": [{"id": "hq"}, {"id": "school-competent-department"}, {"id": "b1"}]}', file="org.json"
    )
    problems = cross_check(rules, org)
    assert [(p.code, p.pointer, p.line) for p in problems] == [
        ("unknown-actor", "/rules/0/requires/0/where/recipient", 10),
        ("unknown-actor", "/rules/1/where/recipient/1", 15),
    ]
    assert "did you mean 'school-competent-department'" in problems[0].message


def test_an_every_that_names_no_grain_may_name_a_calendar_of_the_organisation() -> None:
    """``every: semester`` is no grain, and the rule file alone cannot tell whether the organisation
    has a calendar of that name: the message says how one is written. A word that could be no
    calendar's id (``two weeks``) gets no such hint."""
    rule = "  - {id: a, kind: recurring, clause: c, who: u, action: x, every: %s}\n"
    text = HEAD + "rules:\n" + rule % "semester" + rule.replace("id: a", "id: b") % "'two weeks'"
    with pytest.raises(RuleSetError) as info:
        load_rules(text.encode(), file="r.yaml")
    first, second = info.value.problems
    assert (first.line, first.pointer, first.code) == (5, "/rules/0/every", "bad-value")
    assert (second.line, second.pointer, second.code) == (6, "/rules/1/every", "bad-value")
    assert str(first.message).endswith(
        "got 'semester'; if 'semester' is a calendar of the organisation, write every: {calendar: semester}"
    )
    assert "calendar" not in str(second.message)


def test_a_comma_inside_unquoted_text_in_braces_is_said_to_end_the_value() -> None:
    """In ``{...}`` a comma ends unquoted text, and what follows is read as a key with no value:
    the unknown key's message says so, for each such key on the text's line. A misspelt key,
    a key with a colon of its own, one after quoted text or on the next line gets no such hint."""
    clause = "  - {id: c%d, words: %s}\n"
    written = ["发生事故,应在24小时内报告", "a, b, c", "'a', b", "a, b: c", "a,\n      b"]
    text = HEAD + "clauses:\n" + "".join(clause % (i, w) for i, w in enumerate(written))
    text += "  - {id: c9, wrds}\nrules: []\n"
    with pytest.raises(RuleSetError) as info:
        load_rules(text.encode(), file="r.yaml")
    problems = info.value.problems
    assert [(p.line, p.pointer, p.code) for p in problems] == [
        (5, "/clauses/0/应在24小时内报告", "unknown-key"),
        (6, "/clauses/1/b", "unknown-key"),
        (6, "/clauses/1/c", "unknown-key"),
        (7, "/clauses/2/b", "unknown-key"),
        (8, "/clauses/3/b", "unknown-key"),
        (10, "/clauses/4/b", "unknown-key"),
        (11, "/clauses/5/wrds", "unknown-key"),
    ]
    hint = "; a comma inside text in {...} ends the value: quote the text"
    assert [str(p.message).endswith(hint) for p in problems] == [True, True, True, False, False, False, False]
    assert str(problems[0].message) == "unknown key '应在24小时内报告'" + hint
    assert str(problems[-1].message) == "unknown key 'wrds'; did you mean 'words'?"


def test_a_value_starting_with_a_reserved_character_is_said_to_need_quotes(tmp_path: Path) -> None:
    """An unquoted value starting with ``%`` (a map file's ``time_format``) or ``@`` stops the
    YAML scanner; the syntax error says how the value is written quoted, up to a comment."""
    map_file = tmp_path / "export.map.yaml"
    map_file.write_text("fields: {time: Datum}\ntime_format: %d.%m.%Y %H:%M  # German\n", "utf-8")
    with pytest.raises(LoadError) as info:
        load_map_file(map_file)
    (problem,) = info.value.problems
    assert (problem.line, problem.column, problem.code) == (2, 14, "yaml-syntax")
    assert str(problem.message).endswith(
        "cannot start any token; a plain value cannot start with '%': quote the pattern: time_format: '%d.%m.%Y %H:%M'"
    )
    rules = HEAD + "clauses:\n  - id: c\n    words: @all report it\n  - {id: d, words: %x}\nrules: []\n"
    assert _problems(rules) == [(6, 12, "", "yaml-syntax")]
    with pytest.raises(RuleSetError) as rule_info:
        load_rules(rules.encode(), file="r.yaml")
    assert str(rule_info.value.problems[0].message).endswith(
        "; a plain value cannot start with '@': quote the text: words: '@all report it'"
    )


@pytest.mark.parametrize("load", [load_rules, load_org, load_map_file])
def test_a_path_holding_a_nul_character_is_a_file_that_cannot_be_read(
    load: Callable[[str], object], tmp_path: Path
) -> None:
    """A path with a NUL character in it names no file: the loader says it cannot read it, as for a
    missing file (a `LoadError`), where `open` raised its own `ValueError` ("embedded null byte")."""
    path = f"{tmp_path}/rules\0.yaml"
    with pytest.raises(LoadError) as info:
        load(path)
    assert [(p.file, p.code) for p in info.value.problems] == [(path, "unreadable")]
    assert str(info.value.problems[0].message) == (
        "cannot read the file: the name holds a NUL character (U+0000), which no file's name can hold"
    )


def test_an_id_beyond_ascii_is_refused_asking_for_ascii_letters() -> None:
    """An id is ASCII: a Chinese one (``第一支部``) or one with an accent is refused saying ASCII
    letters, where the message asked for "letters", which those are."""
    text = "id: o\nname: O\nactors:\n  - {id: 第一支部}\n  - {id: café}\n"
    with pytest.raises(OrganisationError) as info:
        load_org(text.encode(), file="org.yaml")
    assert [(p.line, p.pointer, p.code) for p in info.value.problems] == [
        (4, "/actors/0/id", "bad-id"),
        (5, "/actors/1/id", "bad-id"),
    ]
    assert info.value.problems[0].message == (
        "expected an id of ASCII letters and digits (A-Z, a-z, 0-9) and '.', '_', ':', '/', '-' (no spaces), "
        "starting with a letter or digit, got '第一支部'"
    )
