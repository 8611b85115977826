"""The built pages: all present, sober (no script, no outside resource, within budget),
well-formed and structured for assistive technologies, every figure with its CI and n."""

from __future__ import annotations

import dataclasses
from datetime import date
import re
from html.parser import HTMLParser

import pytest

from observatoire.settings import SETTINGS, resolve
from observatoire.site.budget import MAX_BYTES, MAX_REQUESTS, ecoindex, fetched_urls, page_weight
from observatoire.site.budget import grade as budget_grade
from observatoire.site.builder import render_site
from observatoire.site.data import SiteConfig
from observatoire.site.survey import NO_INTERVAL, page_name

BUILT = date(2026, 11, 23)

PAGES = ["index.html", "enquete.html", "engagements.html", "methodologie.html", "donnees.html", "accessibilite.html",
         "comprendre.html"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "path", "line", "rect", "circle", "ellipse", "polygon", "polyline", "stop", "use"}
PERCENT = re.compile(r"^\d{1,3},\d\u00a0%$")
INTERVAL = re.compile(r"^\[\d{1,3},\d\u00a0;\u00a0\d{1,3},\d\]$")
ZERO_ONE = ("0,0\u00a0%", "100,0\u00a0%")
COUNT = re.compile(r"^\d{1,3}(\u00a0\d{3})*$")


class Document(HTMLParser):
    """Tag tree facts: unbalanced tags, ids, headings, tables (cells as text), attributes."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[int] = []
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self.feed(markup)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.append(values["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"caption": "", "rows": [], "th_without_scope": 0})
        if tag == "tr":
            self.tables[-1]["rows"].append([])
        if tag in ("td", "th", "caption"):
            self._cell = []
            if tag == "th" and "scope" not in values:
                self.tables[-1]["th_without_scope"] += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if "id" in dict(attrs):
            self.ids.append(dict(attrs)["id"])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag == "caption":
            self.tables[-1]["caption"] = "".join(self._cell)
        elif tag in ("td", "th"):
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
        if tag in ("td", "th", "caption"):
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def documents(pages: dict[str, str]) -> dict[str, Document]:
    return {name: Document(markup) for name, markup in pages.items()}


@pytest.fixture(scope="session")
def hand_docs(hand_site):
    return documents(hand_site.pages)


@pytest.fixture(scope="session")
def demo_pages(demo_site_dir):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(demo_site_dir.glob("*.html"))}


def test_every_page_is_built(hand_site, hand_data, demo_pages):
    expected = set(PAGES) | {page_name(v) for v in hand_data.spec.derived}
    assert set(hand_site.pages) == expected
    assert set(demo_pages) == expected


def test_pages_make_no_outside_request_and_run_no_script(hand_site, demo_pages):
    for pages in (hand_site.pages, demo_pages):
        for name, markup in pages.items():
            doc = Document(markup)
            assert not [t for t, _ in doc.tags if t in ("script", "iframe", "object", "embed", "img")], name
            assert all(url.startswith("data:") for url in fetched_urls(markup)), name
            for tag, attrs in doc.tags:
                assert not any(str(v).startswith(("http://", "https://", "//")) for k, v in attrs.items()
                               if (tag, k) != ("a", "href") and k != "xmlns"), (name, tag, attrs)
                assert not any(k.startswith("on") for k in attrs), (name, tag)  # no inline handlers
            assert "@import" not in markup and "@font-face" not in markup, name


def test_each_page_is_within_the_sobriety_budget(demo_pages):
    for name, markup in demo_pages.items():
        weight = page_weight(name, markup)
        assert weight.bytes <= MAX_BYTES, (name, weight.bytes)
        assert weight.requests == 1 <= MAX_REQUESTS, name
        assert weight.grade == "A", (name, weight.dom, round(weight.ecoindex, 1))


@pytest.mark.parametrize(
    ("dom", "requests", "size_kb", "score", "grade"),
    [
        # q_dom = 10 + 19/71 = 10.268 ; q_req = 0.5 ; q_size = 1 + 48.63/143.33 = 1.339
        # 100 - 5 × (30.803 + 1 + 1.339) / 6 = 72.38 : the engagements page before (622 elements)
        (622, 1, 50, 72.38, "B"),
        # q_dom = 6 + 44/59 = 6.746 ; q_size = 1 + 20.63/143.33 = 1.144 ; 100 - 5 × 22.382 / 6 = 81.35
        (402, 1, 22, 81.35, "A"),
        # q_dom = 9 + 63/66 = 9.955 ; q_req = 11 + 1/9 = 11.111 ; q_size = 16 + 398.41/754.14 = 16.528
        # 100 - 5 × (29.864 + 22.222 + 16.528) / 6 = 42.82 : a heavy page (87 requests, 3.8 MB)
        (600, 87, 3800, 42.82, "D"),
        (594601, 3920, 223212.26, 0.0, "G"),  # beyond every last bound: q = 20 for each
    ],
)
def test_ecoindex_follows_the_published_formula(dom, requests, size_kb, score, grade):
    assert ecoindex(dom, requests, size_kb) == pytest.approx(score, abs=0.01)
    assert budget_grade(ecoindex(dom, requests, size_kb)) == grade


def test_budget_counts_fetched_resources_but_not_links():
    markup = ('<link rel="icon" href="data:,"><link rel="stylesheet" href="a.css"><img src="b.png">'
              '<a href="https://example.org">lien</a><div style="background:url(c.png)"></div>')
    assert page_weight("x", markup).requests == 4


def test_pages_are_well_formed_with_unique_ids(hand_docs, demo_pages):
    for name, doc in {**hand_docs, **documents(demo_pages)}.items():
        assert not doc.errors, (name, doc.errors[:3])
        assert len(doc.ids) == len(set(doc.ids)), (name, sorted(i for i in doc.ids if doc.ids.count(i) > 1))


def test_page_structure_for_assistive_technologies(hand_site, hand_docs):
    for name, doc in hand_docs.items():
        markup = hand_site.pages[name]
        assert markup.startswith('<!DOCTYPE html>\n<html lang="fr">'), name
        tags = [t for t, _ in doc.tags]
        for landmark in ("header", "nav", "main", "footer"):
            assert tags.count(landmark) == 1, (name, landmark)
        assert ("a", {"class": "skip", "href": "#contenu"}) in doc.tags, name
        assert ("main", {"id": "contenu", "tabindex": "-1"}) in doc.tags, name
        assert doc.headings[0] == 1 and doc.headings.count(1) == 1, name
        assert all(b - a <= 1 for a, b in zip(doc.headings, doc.headings[1:])), (name, doc.headings)
        current = {a["href"]: a["aria-current"] for t, a in doc.tags if t == "a" and "aria-current" in a}
        assert current == ({"enquete.html": "true"} if name.startswith("enquete-") else {name: "page"}), name
        for table in doc.tables:
            assert table["caption"].strip() and table["th_without_scope"] == 0, (name, table["caption"])


def test_charts_are_images_with_a_text_alternative_and_a_table(hand_docs, hand_data):
    for variable in hand_data.spec.derived:
        doc = hand_docs[page_name(variable)]
        svgs = [a for t, a in doc.tags if t == "svg"]
        assert len(svgs) == 1 and svgs[0]["role"] == "img"
        title, desc = svgs[0]["aria-labelledby"].split()
        assert title in doc.ids and desc in doc.ids
        assert any(t["caption"].endswith(f"par commune, {max(hand_data.estimates['wave'])}") for t in doc.tables)


def estimate_tables(doc: Document):
    for table in doc.tables:
        header = table["rows"][0]
        if "Part" in header:
            yield header, table["rows"][1:]


def test_every_figure_has_ci_and_n_and_withheld_shows_no_number(hand_docs):
    seen = {"ok": 0, "withheld": 0}
    for name, doc in hand_docs.items():
        for header, rows in estimate_tables(doc):
            part, ci, n = header.index("Part"), header.index("IC à 95 %"), header.index("Répondants (n)")
            for row in rows:
                if row[part] == "donnée non diffusée":
                    assert row[ci] == "–" and row[-1] == "donnée non diffusée", (name, row)
                    seen["withheld"] += 1
                else:
                    assert PERCENT.match(row[part]), (name, row)
                    assert INTERVAL.match(row[ci]) or (row[ci] == NO_INTERVAL and row[part] in ZERO_ONE), (name, row)
                    seen["ok"] += 1
                assert COUNT.match(row[n]), (name, row)
    assert seen["ok"] > 50 and seen["withheld"] >= 5  # Ambès (n = 8) on each indicator page


def test_withheld_commune_is_a_labelled_gap_and_fragile_is_labelled(hand_site, hand_data):
    markup = hand_site.pages[page_name("in_difficulty")]
    svg = markup[markup.index("<svg"):markup.index("</svg>")]
    drawn = svg.split("</desc>")[1]
    # Ambès (n = 8), and Bassens (secondary disclosure), keep their rows with the gap label and no
    # bar; their shares appear nowhere.
    assert ">Ambès</text>" in drawn and drawn.count(">non diffusé</text>") == 2 and "Ambarès-et-Lagrave" in svg
    assert "2 commune(s) sans barre, marquée(s) « non diffusé »" in svg
    assert "<td>fragile</td>" in markup


def test_home_shows_headline_figures_with_ci_and_n_and_the_demo_banner(hand_site, hand_data):
    home = hand_site.pages["index.html"]
    assert home.count('<span class="figure">') == len(hand_data.headline) == 3
    assert home.count("IC à 95 %") == 3 and home.count("répondants") >= 3
    assert "Données de démonstration" in home
    all_real = {name: "real" for name in hand_data.provenance}
    real = render_site(dataclasses.replace(hand_data, provenance=all_real), SiteConfig(built=BUILT))
    assert all('class="demo"' not in markup for markup in real.pages.values())


def test_commitments_show_status_in_words_and_components(hand_site, hand_data):
    page = hand_site.pages["engagements.html"]
    for row in hand_data.progress.to_dict("records"):
        assert f'id="{row["id"]}"' in page
        assert f"Statut : {row['status_label']}" in page
    assert page.count("<details>") == len(hand_data.progress)
    # explain_progress, one sentence a line (CSS pre-line) in one paragraph
    assert page.count('</summary><p class="steps">') == len(hand_data.progress)
    assert "\nRythme observé rapporté au rythme nécessaire : 0,30" in page
    assert "la valeur en 2026 serait de 52,0\u00a0%" in page and "[45,0\u00a0;\u00a059,0]" in page
    assert "\nPas de projection.</p>" in page  # SOB02: no projection and no stated reason
    assert "aucune valeur pour cet indicateur" in page and not re.search(r"\bnan\b", page, re.IGNORECASE)


def test_methodology_is_generated_from_the_settings(hand_data):
    stricter = dataclasses.replace(hand_data, settings=resolve({"reliability_withhold_n": 20, "reliability_withhold_cv": 0.3}))
    page = render_site(stricter, SiteConfig(built=BUILT)).pages["methodologie.html"]
    assert "moins de 20 répondants n'est pas diffusée" in page
    assert "dépasse 30\u00a0% n'est pas diffusée" in page
    assert SETTINGS["reliability_withhold_n"].label_fr in page and "Marges de calage" in page
    assert "reliability_withhold_n" not in page  # setting names are for data stewards (docs/reglages.md)


def test_accessibility_statement_is_honest_and_has_the_contact(hand_site):
    page = hand_site.pages["accessibilite.html"]
    assert "est non conforme" in page and "aucun audit" in page
    assert "accessibilite@exemple.fr" in page and "Défenseur des droits" in page
    assert all("Accessibilité : non conforme" in markup for markup in hand_site.pages.values())


def test_text_is_escaped(hand_data):
    hostile = dataclasses.replace(hand_data, source="<script>x</script>.csv")
    pages = render_site(hostile, SiteConfig(built=BUILT, contact="<b>moi</b>")).pages
    assert all("<script>" not in markup and "<b>moi" not in markup for markup in pages.values())


def test_indicator_pages_and_open_data_say_whom_each_figure_describes(hand_site, hand_data):
    page = hand_site.pages[page_name("in_difficulty")]
    assert "Population : Part pondérée des habitants de 15 ans ou plus." in page
    estimates = next(f for f in hand_site.files if f.name.endswith("estimations.csv")).content.decode("utf-8")
    assert estimates.splitlines()[0].split(",")[3] == "population"
    assert ",habitants de 15 ans ou plus," in estimates
