import csv
import datetime as dt
import io
import os
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatoire import readers
from observatoire.errors import UserError
from example_territory import DEMO_SURVEY
from observatoire.readers import DELIMITERS, WHITESPACE, ReadIssue, decode_text, normalise_label, parse_careful, parse_fast, read_table, sniff_delimiter

ROWS = [["commune", "nom", "weight"], ["33039", "Bègles", "12.5"], ["33281", "Mérignac", ""]]
EXPECTED = pd.DataFrame(ROWS[1:], columns=ROWS[0], index=pd.Index([2, 3], name="row"))


def _csv_bytes(rows, delimiter, encoding):
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    return text.encode(encoding)


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize(("encoding", "reported"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")])
def test_csv_delimiters_and_encodings(tmp_path, delimiter, encoding, reported):
    path = tmp_path / "survey.csv"
    path.write_bytes(_csv_bytes(ROWS, delimiter, encoding))
    table = read_table(path)
    pd.testing.assert_frame_equal(table.frame, EXPECTED, check_dtype=False)
    assert (table.source.format, table.source.encoding, table.source.delimiter, table.source.n_rows) == ("csv", reported, delimiter, 2)
    assert table.source.issues == ()


def test_csv_quoted_separator_blank_lines_and_ragged_rows(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text('commune;nom;\n\n33039;"Bègles; centre";\n33281;Mérignac;;extra\n ; ;\n33063\n', encoding="utf-8")
    table = read_table(path)
    # The trailing empty header column is dropped; blank lines are skipped but keep their numbers.
    assert list(table.frame.columns) == ["commune", "nom"]
    assert table.frame.index.tolist() == [3, 4, 6]
    assert table.frame.loc[3, "nom"] == "Bègles; centre"
    assert table.source.issues == (ReadIssue("wrong_field_count", 4, None, "4", 3), ReadIssue("wrong_field_count", 6, None, "1", 3))


def test_csv_mixed_and_undecodable_lines(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes("commune;nom\n33039;Bègles\n".encode() + "33281;Mérignac\n".encode("cp1252") + b"33063;Bord\x81eaux\n")
    table = read_table(path)
    assert table.source.encoding == "utf-8+cp1252"
    assert table.frame["nom"].tolist() == ["Bègles", "Mérignac", "Bord\ufffdeaux"]
    assert table.source.issues == (ReadIssue("undecodable_text", 4, "nom", "Bord\ufffdeaux"),)


def test_sniff_delimiter_ignores_quoted_commas():
    assert sniff_delimiter('"a,b,c";d;e\n1;2;3') == ";"
    assert sniff_delimiter("only_one_column\n1") == ","


def test_duplicate_column_names_are_kept_apart(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("sex,sex,wave\nF,M,2022\n", encoding="utf-8")
    table = read_table(path)
    assert list(table.frame.columns) == ["sex", "sex (2)", "wave"]
    assert table.source.issues == (ReadIssue("duplicate_column", 1, "sex", "sex"),)


@pytest.mark.parametrize(("content", "n_columns"), [(b"", 0), (b"\r\n \r\n", 0), (b"commune;nom\r\n", 2)])
def test_empty_and_header_only_files_are_tables(tmp_path, content, n_columns):
    path = tmp_path / "survey.csv"
    path.write_bytes(content)
    table = read_table(path)
    assert (len(table.frame.columns), len(table.frame)) == (n_columns, 0)


def _workbook(path, sheets):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


XLSX_ROWS = [["commune", "wave", "weight", "flag", "date"], [33039, 2022.0, 12.5, True, dt.datetime(2024, 3, 1)], [None, 2024, None, False, None]]


@pytest.mark.parametrize(("sheet", "expected_wave"), [(None, ["2022", "2024"]), ("Vague 2", ["2026"])])
def test_xlsx_first_or_named_sheet(tmp_path, sheet, expected_wave):
    path = tmp_path / "survey.xlsx"
    _workbook(path, {"Réponses": [["Titre de l'export"], [], *XLSX_ROWS], "Vague 2": [["wave"], [2026]]})
    table = read_table(path, sheet=sheet)
    assert table.frame["wave"].tolist() == expected_wave
    assert table.source.sheet == (sheet or "Réponses")
    if sheet is None:
        # A title line and a blank row sit above the header: rows keep their spreadsheet numbers.
        assert (table.source.header_row, table.frame.index.tolist()) == (3, [4, 5])


def test_xlsx_cells_become_plain_text(tmp_path):
    path = tmp_path / "survey.xlsx"
    _workbook(path, {"Feuil1": XLSX_ROWS})
    frame = read_table(path).frame
    assert frame.loc[2].tolist() == ["33039", "2022", "12.5", "1", "2024-03-01"]
    assert frame.loc[3].tolist() == ["", "2024", "", "0", ""]


def test_xlsx_missing_sheet_lists_available_ones(tmp_path):
    path = tmp_path / "survey.xlsx"
    _workbook(path, {"Réponses": XLSX_ROWS})
    with pytest.raises(UserError) as err:
        read_table(path, sheet="2024")
    assert "« 2024 »" in err.value.message and "« Réponses »" in err.value.hint


SAV_LABELS = {"sex": {1: "HOMME", 2: "femme"}, "diploma": {1: "Aucun diplôme, CEP ou brevet des colleges", 2: "bac_3plus", 3: "Doctorat"}, "has_smartphone": {0: "Non", 1: "Oui"}}


def test_sav_value_labels_map_to_codebook_codes(tmp_path):
    path = tmp_path / "survey.sav"
    raw = pd.DataFrame({"sex": [1.0, 2.0, None], "diploma": [1.0, 2.0, 3.0], "has_smartphone": [1.0, 0.0, 1.0], "wave": [2022.0, 2022.0, 2024.0], "weight": [80.5, 95.0, 1.25], "respondent_id": ["a", "b", "c"]})
    pyreadstat.write_sav(raw, str(path), variable_value_labels=SAV_LABELS)
    codebook = {"sex": {"F": "Femme", "M": "Homme"}, "diploma": {"no_diploma": "Aucun diplôme, CEP ou brevet des collèges", "bac_3plus": "Bac+3 ou plus"}, "has_smartphone": {0: "Non", 1: "Oui"}}
    table = read_table(path, value_labels=codebook)
    frame = table.frame
    assert frame["sex"].tolist() == ["M", "F", ""]
    # A label matching neither a code nor its French label is kept as written, for the finding.
    assert frame["diploma"].tolist() == ["no_diploma", "bac_3plus", "Doctorat"]
    assert frame["has_smartphone"].tolist() == ["1", "0", "1"]
    assert frame["wave"].tolist() == ["2022", "2022", "2024"]
    assert frame["weight"].tolist() == ["80.5", "95", "1.25"]
    assert frame.index.tolist() == [1, 2, 3]
    assert (table.source.format, table.source.header_row) == ("sav", None)


@pytest.mark.parametrize(("label", "expected"), [("Seul(e), facilement", "seul e facilement"), ("  ÉLÈVE ou étudiant ", "eleve ou etudiant"), ("75 ans ou +", "75 ans ou +")])
def test_normalise_label(label, expected):
    assert normalise_label(label) == expected


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("absent.csv", None, "introuvable"),
        ("survey.xls", b"\xd0\xcf\x11\xe0", ".xlsx ou CSV"),
        ("survey.json", b"{}", "Formats acceptés"),
        ("survey.xlsx", b"not a zip file", "endommagé"),
        ("survey.sav", b"not spss", "endommagé"),
        ("survey.csv", b"PK\x03\x04\x00\x00binary", "pas un fichier texte"),
    ],
)
def test_unreadable_files_raise_french_user_errors(tmp_path, name, content, words):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError) as err:
        read_table(path)
    assert name in err.value.message
    assert words in f"{err.value.message} {err.value.hint}"


def test_sheet_option_only_for_workbooks(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(UserError, match="--sheet"):
        read_table(path, sheet="Feuil1")


def test_readers_never_modify_the_input(tmp_path):
    csv_path, xlsx_path, sav_path = tmp_path / "s.csv", tmp_path / "s.xlsx", tmp_path / "s.sav"
    csv_path.write_bytes(_csv_bytes(ROWS, ";", "cp1252"))
    _workbook(xlsx_path, {"Feuil1": XLSX_ROWS})
    pyreadstat.write_sav(pd.DataFrame({"sex": [1.0, 2.0]}), str(sav_path), variable_value_labels={"sex": {1: "Homme", 2: "Femme"}})
    for path in (csv_path, xlsx_path, sav_path):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
        before = path.read_bytes()
        read_table(path, value_labels={"sex": {"F": "Femme", "M": "Homme"}})
        assert path.read_bytes() == before
        assert path.stat().st_mtime_ns == 1_000_000_000


def test_uploaded_bytes_read_like_the_file(tmp_path):
    csv_path, xlsx_path = tmp_path / "s.csv", tmp_path / "s.xlsx"
    csv_path.write_bytes(_csv_bytes(ROWS, ";", "cp1252"))
    _workbook(xlsx_path, {"Feuil1": XLSX_ROWS})
    for path in (csv_path, xlsx_path):
        from_memory = read_table(f"upload{path.suffix}", content=path.read_bytes())
        pd.testing.assert_frame_equal(from_memory.frame, read_table(path).frame)


CELL = st.text(alphabet="abcéèàÉç0129 ;,\"'\n+-.", max_size=8).map(str.strip)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.text(alphabet="abcdéz_", min_size=1, max_size=6), min_size=2, max_size=4, unique=True),
    data=st.data(),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_csv_round_trip(tmp_path, header, data, delimiter, encoding):
    rows = data.draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)).filter(any), max_size=5))
    expected = pd.DataFrame(rows, columns=header, dtype=str)
    path = tmp_path / "round.csv"
    expected.to_csv(path, sep=delimiter, index=False, encoding=encoding)
    frame = read_table(path).frame
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected, check_dtype=False, check_index_type=False)


# --- fast CSV path (pandas/pyarrow) against the careful one (csv module, line-by-line decoding) ---

FIXTURE_TEXT = (Path(__file__).parent / "fixtures" / "valid_survey.csv").read_text(encoding="utf-8")
DEMO_TEXT = "".join((DEMO_SURVEY).read_text(encoding="utf-8").splitlines(keepends=True)[:2001])


def _resave(text: str, **options) -> str:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return frame.to_csv(index=False, **options)


def _insert_lines(text: str, at: int, *lines: str) -> str:
    rows = text.splitlines(keepends=True)
    return "".join(rows[:at] + [line + "\n" for line in lines] + rows[at:])


# name -> (file bytes, whether the fast path can vouch for the result)
CSV_FILES = {
    "fixture": (FIXTURE_TEXT.encode(), True),
    "demo_2000_rows": (DEMO_TEXT.encode(), True),
    "cp1252_semicolon": (_resave(DEMO_TEXT, sep=";").replace("Bordeaux", "Bègles").encode("cp1252"), True),
    "bom_crlf": (_resave(FIXTURE_TEXT, lineterminator="\r\n").encode("utf-8-sig"), True),
    "utf16_tab": (_resave(FIXTURE_TEXT, sep="\t").encode("utf-16"), True),
    "lone_cr": (FIXTURE_TEXT.replace("\n", "\r").encode(), True),
    "all_quoted": (_resave(DEMO_TEXT, quoting=csv.QUOTE_ALL).encode(), True),
    "quoted_separator": (_insert_lines(FIXTURE_TEXT, 3, '"a, b",' + ",".join(["x"] * 29)).encode(), True),
    "padded_cells": (FIXTURE_TEXT.replace(",", " ,\u00a0").replace("R2022", "\tR2022").replace("\n", " \n").encode(), True),
    "quoted_padding": (FIXTURE_TEXT.replace("bac_3plus", '" bac_3plus\t"').encode(), True),
    "blank_lines": (_insert_lines(FIXTURE_TEXT, 3, "", ",".join([""] * 30), ",".join([" "] * 30)).encode(), True),
    "unnamed_and_repeated_columns": (b"sex,sex,,wave,,\nF,M,x,2022,,\nM,F,,2024,,\n", True),
    "mixed_encodings": ("commune;nom\n33039;Bègles\n".encode() + "33281;Mérignac\n".encode("cp1252") + b"33063;Bord\x81eaux\n", True),
    "title_lines": (("Export du 3 mars 2024\n\n" + FIXTURE_TEXT).encode(), False),
    "leading_blank_line": (("\n" + FIXTURE_TEXT).encode(), False),
    "short_row": (_insert_lines(FIXTURE_TEXT, 2, "R9,2022,33063").encode(), False),
    "long_row": (FIXTURE_TEXT.replace(",80.5\n", ",80.5,,surplus\n").encode(), False),
    "trailing_separators": (FIXTURE_TEXT.replace("\n", ",\n", 2).encode(), False),
    "value_over_two_lines": (_insert_lines(FIXTURE_TEXT, 3, 'R9,"ligne\nsuite",' + ",".join(["x"] * 28)).encode(), False),
    "nul_byte_after_4_kb": ((DEMO_TEXT[:-100] + DEMO_TEXT[-100:].replace(",", ",\x00", 1)).encode(), False),
    "header_only": (FIXTURE_TEXT.splitlines(keepends=True)[0].encode(), False),
}


def _careful_table(path, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(readers, "_may_hold_utf8", lambda body: True)  # cp1252 decoded line by line
        patch.setattr(readers, "parse_fast", lambda text, delimiter: None)
        return read_table(path)


def _assert_same_table(fast, careful):
    pd.testing.assert_frame_equal(fast.frame, careful.frame, check_exact=True, check_index_type=True, check_column_type=True)
    assert fast.frame.index.name == careful.frame.index.name == "row"
    assert fast.source == careful.source


@pytest.mark.parametrize("name", sorted(CSV_FILES))
def test_fast_and_careful_paths_give_identical_tables(tmp_path, monkeypatch, name):
    content, fast_expected = CSV_FILES[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(content)
    fast = read_table(path)
    _assert_same_table(fast, _careful_table(path, monkeypatch))
    text, _, _ = decode_text(content, path)
    assert (parse_fast(text, sniff_delimiter(text)) is not None) == fast_expected


def test_cp1252_line_that_is_also_utf8_is_decoded_line_by_line(tmp_path, monkeypatch):
    # The cp1252 bytes of "Ã©" are the UTF-8 of "é": that line decodes as UTF-8, the others as cp1252.
    assert not readers._may_hold_utf8("André;Bègles\n".encode("cp1252"))
    assert readers._may_hold_utf8("Ã©;x\n".encode("cp1252"))
    path = tmp_path / "s.csv"
    path.write_bytes("nom;ville\nAndré;Bègles\nÃ©;x\n".encode("cp1252"))
    table = read_table(path)
    _assert_same_table(table, _careful_table(path, monkeypatch))
    assert table.source.encoding == "utf-8+cp1252"
    assert table.frame["nom"].tolist() == ["André", "é"]


def test_whitespace_is_every_character_str_strip_removes():
    assert WHITESPACE == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


# Plain cells with odd blanks, quoted cells holding separators, quotes and line ends, stray quotes.
FUZZ_CELL = st.one_of(
    st.text(alphabet="ab é\u00a0\x0b\u3000\x1c\u200b", max_size=4),
    st.text(alphabet='ab;,"\t \r\n', max_size=4).map(lambda s: '"' + s.replace('"', '""') + '"'),
    st.text(alphabet='a"b ', max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    header=st.lists(st.sampled_from(["a", "b", "", " d", '"e"', '"f;g"']), min_size=2, max_size=4),
    delimiter=st.sampled_from([";", ",", "\t"]),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_fast_path_never_disagrees_with_the_careful_one(data, header, delimiter, end):
    rows = data.draw(st.lists(st.lists(FUZZ_CELL, min_size=len(header), max_size=len(header)), max_size=5))
    text = end.join(delimiter.join(cells) for cells in [header, *rows]) + data.draw(st.sampled_from([end, ""]))
    fast = parse_fast(text, delimiter)
    if fast is None:  # the careful path reads it: nothing to compare
        return
    careful = parse_careful(text, delimiter)
    pd.testing.assert_frame_equal(fast[0], careful[0], check_exact=True, check_index_type=True, check_column_type=True)
    assert fast[1:] == careful[1:]
