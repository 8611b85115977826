"""The app with hostile uploads (AppTest): names shown as text, the way back to the demonstration data,
bounded reports, no traceback in the page, upload-derived tables kept in the session, and
uploads parsed without a temporary file."""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import re
import tempfile
import tomllib
import zipfile

import pytest
import streamlit as st
from hostile import plain_workbook
from streamlit.proto.Exception_pb2 import Exception as ExceptionProto
from streamlit.testing.v1 import AppTest

from example_territory import DEMO_SURVEY, ROOT, example_inputs
from observatoire.ui import components, loaders, safeguards

APP, DATA_PAGE, SURVEY_PAGE = ROOT / "app.py", ROOT / "pages" / "data.py", ROOT / "pages" / "survey.py"
TIMEOUT = 120
MARKDOWN_NAME = "![pixel](pixel.png) [lien](javascript:alert(1)) :red[x] _x_ $y$.csv"  # a browser sends no path


def _shown(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def _texts(at: AppTest) -> list[str]:
    return [e.value for kind in ("markdown", "error", "info", "warning", "success", "caption") for e in getattr(at, kind)]


def test_plain_escapes_every_markdown_construct():
    escaped = components.plain(MARKDOWN_NAME)
    assert _shown(escaped) == MARKDOWN_NAME
    assert "![" not in escaped and "](" not in escaped and "$y$" not in escaped and ":red[" not in components.plain(":red[x]")


def test_markdown_file_name_is_text_and_back_to_demo_works_at_once():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(str(DATA_PAGE.relative_to(ROOT))).run()
    at.file_uploader[0].set_value((MARKDOWN_NAME, DEMO_SURVEY.read_bytes(), "text/csv")).run()
    assert not at.exception
    assert at.session_state[loaders.UPLOAD_KEY].name == MARKDOWN_NAME
    banner = at.info[0].value
    assert _shown(banner) == f"Résultats calculés sur votre fichier « {MARKDOWN_NAME} », pour cette session uniquement."
    assert "![pixel](pixel.png)" not in " ".join(_texts(at))  # never handed to Markdown as it is
    assert at.file_uploader[0].value is None  # the bytes were dropped once checked
    next(b for b in at.button if "Revenir aux données du territoire" in b.label).click().run()
    assert loaders.UPLOAD_KEY not in at.session_state and "enquête" in at.warning[0].value.split("Données réelles")[0]
    at.run()  # nothing brings the file back
    assert loaders.UPLOAD_KEY not in at.session_state and "enquête" in at.warning[0].value.split("Données réelles")[0]


def test_unreadable_upload_gets_a_french_message_without_detail(tmp_path):
    workbook = plain_workbook(tmp_path / "b.xlsx", [["respondent_id", "wave"], ["A", "2024"]])
    content = bytearray(workbook.read_bytes())
    with zipfile.ZipFile(workbook) as archive:
        offset = archive.getinfo("[Content_Types].xml").header_offset
    content[offset + 40: offset + 200] = b"\x00" * 160  # junk in [Content_Types].xml
    at = AppTest.from_file(str(DATA_PAGE), default_timeout=TIMEOUT).run()
    at.file_uploader[0].set_value(("![a](b.png).xlsx", bytes(content), "application/octet-stream")).run()
    assert not at.exception
    assert _shown(at.error[0].value) == "Le classeur Excel « ![a](b.png).xlsx » est illisible ou endommagé."
    assert "Traceback" not in " ".join(_texts(at)) and "site-packages" not in " ".join(_texts(at))


def test_invalid_upload_keeps_the_first_1000_findings_and_counts_them_all():
    lines = ["respondent_id;wave;commune"] + [f"R{i};2024;99{i:03d}" for i in range(3000)]
    at = AppTest.from_file(str(DATA_PAGE), default_timeout=TIMEOUT).run()
    at.file_uploader[0].set_value(("erreurs.csv", "\n".join(lines).encode(), "text/csv")).run()
    assert not at.exception
    report = at.session_state[loaders.CHECKED_KEY].results.validation
    assert len(report.findings) == 1000 and report.counts["unknown_commune"] == 3000 and report.total > 3000
    rows = [f.row or 0 for f in report.findings]
    assert rows == sorted(rows) and rows[-1] < 1000  # the first findings of the file, in its order
    assert "3\u00a0027 problèmes : commune inconnue (3\u00a0000)" in _shown(at.error[0].value)
    assert any("premiers problèmes sur" in c.value for c in at.caption)
    assert "Télécharger les 1 000 premiers problèmes (CSV)" in [b.proto.label.replace("\u00a0", " ") for b in at.get("download_button")]


def test_unexpected_error_shows_a_french_message_and_no_detail(monkeypatch, caplog):
    def broken(results, upload, **_):
        raise RuntimeError("/srv/secret/chemin.py: détail interne")

    monkeypatch.setattr(components, "source_banner", broken)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.error[0].value == safeguards.UNEXPECTED_FR
    assert not [t for t in _texts(at) if "secret" in t]
    assert "détail interne" in caplog.text  # the trace stays in the server log


def test_configured_error_details_hide_every_trace():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    from streamlit import config as st_config
    from streamlit.elements.exception import marshall

    previous = st_config.get_option("client.showErrorDetails")
    st_config.set_option("client.showErrorDetails", config["client"]["showErrorDetails"])
    try:
        proto = ExceptionProto()
        try:
            raise ValueError("/srv/secret/chemin.py")
        except ValueError as err:
            marshall(proto, err, apply_show_error_details=True)
    finally:
        st_config.set_option("client.showErrorDetails", previous)
    assert not proto.stack_trace and not proto.type and "secret" not in proto.message


def test_tables_from_an_upload_stay_in_the_session(monkeypatch):
    from observatoire.pipeline import run

    def shared_cache(*args, **kwargs):
        raise AssertionError("a table computed from an upload went to st.cache_data")

    monkeypatch.setattr(loaders, "_shared", shared_cache)
    results = dataclasses.replace(run(example_inputs()), source="upload.csv", fingerprint="upload")
    at = AppTest.from_file(str(SURVEY_PAGE), default_timeout=TIMEOUT)
    at.session_state[loaders.UPLOAD_KEY] = loaders.Upload("upload.csv", "upload", results)
    at.run()
    question = next(s for s in at.selectbox if s.label == "Question")
    question.set_value("has_smartphone").run()
    next(s for s in at.selectbox if s.label == "Répartition").set_value("sex").run()
    assert not at.exception
    memo = at.session_state[loaders.MEMO_KEY]
    assert {key[1] for key in memo} == {"question", "comparison"} and all(key[0] == "upload" for key in memo)
    data = AppTest.from_file(str(DATA_PAGE), default_timeout=TIMEOUT)
    data.session_state[loaders.UPLOAD_KEY] = loaders.Upload("upload.csv", "upload", results)
    data.run()
    assert not data.exception and ("upload", "template") in data.session_state[loaders.MEMO_KEY]


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = "frontiere"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"enquete.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _parse_records_temporary_files(size: int, monkeypatch) -> list:
    from starlette.requests import Request

    created = []
    real = tempfile.TemporaryFile

    def spy(*args, **kwargs):
        created.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", spy)
    body, content_type = _multipart(size)

    async def parse():
        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}

        request = Request({"type": "http", "method": "PUT", "headers": [(b"content-type", content_type.encode())]}, receive)
        form = await request.form()
        upload = form["file"]
        assert len(await upload.read()) == size
        await form.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop (Playwright may hold this thread's)
        pool.submit(asyncio.run, parse()).result()
    return created


def test_uploads_are_parsed_without_a_temporary_file(monkeypatch):
    from starlette.formparsers import MultiPartParser

    monkeypatch.setattr(MultiPartParser, "spool_max_size", 2**20)  # Starlette's default
    assert _parse_records_temporary_files(2 * 2**20, monkeypatch), "the spy must see Starlette's spooling"
    safeguards.keep_uploads_in_memory()
    limit = st.get_option("server.maxUploadSize") * 2**20
    assert MultiPartParser.spool_max_size >= limit + safeguards.MULTIPART_FRAMING
    assert _parse_records_temporary_files(limit, monkeypatch) == []
    assert _parse_records_temporary_files(2 * 2**20, monkeypatch) == []


@pytest.mark.parametrize("option", ["disconnectedSessionTTL"])
def test_closed_sessions_are_dropped_within_a_minute(option):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert 0 < config["server"][option] <= 60
