"""Issue 19, exports, imports and reports: a measure's data as a long CSV (out and back in, with
a preview, per-row errors and a dry run), as a FHIR R4 MeasureReport, its chart as a PNG, and a
project's one-page report as a page and a PDF. A peer in the cohort downloading any of them never
gets a small cell's count; an outsider gets 404 from every one."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from hub.auth.tokens import create_token
from hub.extensions import db
from hub.projects.models import DataEdit, DataPoint, Measure
from tests.helpers import api_write, post_form, signed_in
from tests.helpers import factories as f

LANGUAGES = ("English", "Spanish", "Chinese", "Vietnamese", "Arabic", "Other language", "Unknown")
# 2026-01 holds the small cell: 3 of 7 Spanish speakers screened (42.9%).
MONTHS = {"2026-01": {"English": (61, 97), "Spanish": (3, 7)}, "2026-02": {"English": (70, 100), "Spanish": (30, 60)}}


def _token(app, person) -> dict:
    with app.test_request_context():
        return {"Authorization": f"Bearer {create_token(person, 'exports')[1]}"}


def _points() -> list[dict]:
    points = []
    for month, groups in MONTHS.items():
        total = [0, 0]
        for group in LANGUAGES:
            n, d = groups.get(group, (0, 0))
            total[0], total[1] = total[0] + n, total[1] + d
            points.append({"period": month, "stratum": {"language": group}, "numerator": n, "denominator": d})
        points.append({"period": month, "stratum": None, "numerator": total[0], "denominator": total[1]})
    return points


def _measure(client, team_id: int, name: str = "Screened", **extra) -> tuple[dict, dict]:
    project = api_write(client, "POST", f"/api/v1/teams/{team_id}/projects", {
        "title": "Colorectal screening for Spanish speakers", "aim": "Screen 70 in 100 by 2027",
        "focus_stratifier": "language", "focus_group": "Spanish", "reference_group": "English"}).get_json()
    measure = api_write(client, "POST", f"/api/v1/projects/{project['id']}/measures", {
        "name": name, "type": "proportion", "stratifiers": ["language"], "period": "month", **extra})
    assert measure.status_code == 201, measure.get_data(as_text=True)
    return project, measure.get_json()


@pytest.fixture
def shared(app, world):
    """A team's measure holding a 3-of-7 cell, shared with the cohort; a peer team in the cohort."""
    pat = signed_in(app, world.participant)
    project, measure = _measure(pat, world.team.id)
    assert api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": _points()}).status_code == 200
    api_write(pat, "POST", f"/api/v1/projects/{project['id']}/cycles",
              {"title": "Spanish-language outreach calls", "starts_on": "2026-01-10", "prediction": "More screened",
               "study": "Calls reached 40 patients", "act": "adopt"})
    assert api_write(pat, "PATCH", f"/api/v1/projects/{project['id']}", {"visibility": "cohort"}).status_code == 200
    peer = f.user("Pia Peer")
    f.join_team(peer, f.team("Peer Clinic", cohorts=[world.cohort]))
    db.session.commit()
    return pat, signed_in(app, peer), peer, project, measure


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _import(client, headers, measure_id: int, text: str, dry_run: bool = False):
    url = f"/api/v1/measures/{measure_id}/data.csv" + ("?dry_run=1" if dry_run else "")
    return client.post(url, data=text.encode("utf-8"), content_type="text/csv", headers=headers)


# ---------------------------------------------------------------- CSV

def test_export_then_import_round_trips_the_data(app, world, shared):
    pat, _peer, _p, project, measure = shared
    answer = pat.get(f"/measures/{measure['id']}/data.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    text = answer.get_data(as_text=True)
    rows = _rows(text)
    assert list(rows[0]) == ["period", "measure", "stratifier", "stratum", "numerator", "denominator", "value",
                             "suppressed"]
    spanish = next(r for r in rows if r["period"] == "2026-01" and r["stratum"] == "Spanish")
    assert spanish == {"period": "2026-01", "measure": "Screened", "stratifier": "language", "stratum": "Spanish",
                       "numerator": "3", "denominator": "7", "value": repr(round(3 / 7, 6)), "suppressed": "0"}, \
        "the team sees its own raw counts"

    copy = api_write(pat, "POST", f"/api/v1/projects/{project['id']}/measures",
                     {"name": "Screened", "type": "proportion", "stratifiers": ["language"]}).get_json()
    loaded = _import(app.test_client(), _token(app, world.participant), copy["id"], text)
    assert loaded.status_code == 200, loaded.get_data(as_text=True)
    assert loaded.get_json()["changed"] == len(rows) == 16
    assert pat.get(f"/measures/{copy['id']}/data.csv").get_data(as_text=True) == text
    assert db.session.query(DataEdit).filter_by(measure_id=copy["id"], source="csv").count() == 16

    api = pat.get(f"/api/v1/measures/{measure['id']}/data.csv")
    assert api.status_code == 200 and api.get_data(as_text=True) == text, "the API twin gives the same file"


def _upload(client, url: str, text: str):
    return post_form(client, url, {"file": (io.BytesIO(text.encode()), "data.csv")}, token_from=url,
                     content_type="multipart/form-data")


def _kept_upload(page: str) -> str:
    return re.search(r'name="upload" value="([^"]+)"', page).group(1)


def test_the_import_page_previews_without_writing_then_confirms(app, world, shared):
    pat, _peer, _p, _project, measure = shared
    url = f"/measures/{measure['id']}/import"
    assert pat.get(url).status_code == 200
    text = ("period,stratifier,stratum,numerator,denominator\n"
            "2026-03,,,90,150\n2026-03,language,Spanish,40,60\n2026-02,language,English,70,100\n")
    before = db.session.query(DataPoint).count()
    preview = _upload(pat, url, text)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[:2000]
    assert "This file changes 2 cells" in page and "unchanged" in page and "added" in page
    assert db.session.query(DataPoint).count() == before, "a preview writes nothing"

    teammate = signed_in(app, world.teammate)
    stolen = post_form(teammate, url, {"upload": _kept_upload(page), "confirm": "1"}, token_from=url)
    assert stolen.status_code == 422, "an upload is confirmed only by whoever sent it"
    assert db.session.query(DataPoint).count() == before

    confirmed = post_form(pat, url, {"upload": _kept_upload(page), "confirm": "1"}, token_from=url)
    assert confirmed.status_code == 302
    assert db.session.query(DataPoint).count() == before + 2
    edits = db.session.query(DataEdit).filter_by(measure_id=measure["id"], source="csv").all()
    assert {(e.stratum, e.after["numerator"]) for e in edits} == {("", 90), ("language=Spanish", 40)}
    again = post_form(pat, url, {"upload": _kept_upload(page), "confirm": "1"}, token_from=url)
    assert again.status_code == 422, "a confirmed upload is gone"


def test_a_large_file_is_confirmed_from_what_the_server_kept(app, world, shared):
    """20,000 rows are far more than a form field may carry (500 kB): the preview keeps the file."""
    pat, _peer, _p, _project, measure = shared
    url = f"/measures/{measure['id']}/import"
    months = [f"{1300 + i // 12}-{i % 12 + 1:02d}" for i in range(12 * 700)]
    lines = [f"{m},Screened,,,{i % 90},100" for i, m in enumerate(months)]
    lines += [f"{m},Screened,language,English,{i % 90},100" for i, m in enumerate(months)]
    text = "period,measure,stratifier,stratum,numerator,denominator\n" + "\n".join(lines) + "\n"
    assert len(text) > 500_000
    page = _upload(pat, url, text).get_data(as_text=True)
    assert re.search(r"This file changes 16,?800 cells", page), page[:3000]
    assert post_form(pat, url, {"upload": _kept_upload(page), "confirm": "1"}, token_from=url).status_code == 302
    assert db.session.query(DataPoint).filter_by(measure_id=measure["id"]).count() == 16 + 16_800


def test_a_refused_row_is_named_by_row_and_column_and_nothing_is_written(app, world, shared):
    pat, _peer, _p, _project, measure = shared
    text = ("period,measure,stratifier,stratum,numerator,denominator\n"
            "2026-03,Screened,,,90,150\n"          # row 2: fine
            "2026-03,Screened,language,Spanish,lots,60\n"   # row 3: not a number
            "2026-13,Screened,language,English,1,2\n"       # row 4: no such month
            "2026-03,Screened,language,Martian,1,2\n"       # row 5: no such group
            "2026-03,Screened,,race=Asian|language=Spanish,1,5\n")  # row 6: not stratified by race
    answer = _import(app.test_client(), _token(app, world.participant), measure["id"], text)
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert set(fields) == {"rows.3.numerator", "rows.4.period", "rows.5.stratum", "rows.6.stratum"}, fields
    assert fields["rows.3.numerator"] == "Give a number."
    assert db.session.query(DataPoint).filter_by(measure_id=measure["id"]).count() == 16, "nothing written"

    url = f"/measures/{measure['id']}/import"
    page = _upload(pat, url, text)
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and "Row 3, numerator: Give a number." in body
    assert "Row 5, stratum: Martian is not a group of language." in body
    assert "lots" in body, "the refused form keeps the file's rows"
    assert db.session.query(DataPoint).filter_by(measure_id=measure["id"]).count() == 16


def test_a_dry_run_says_what_would_change_and_writes_nothing(app, world, shared):
    _pat, _peer, _p, _project, measure = shared
    headers = _token(app, world.participant)
    text = "period,stratifier,stratum,numerator,denominator\n2026-02,language,English,71,100\n2026-03,,,5,50\n"
    dry = _import(app.test_client(), headers, measure["id"], text, dry_run=True)
    assert dry.status_code == 200 and dry.get_json()["dry_run"] is True and dry.get_json()["changed"] == 2
    assert {(c["row"], c["action"]) for c in dry.get_json()["changes"]} == {(2, "change"), (3, "new")}
    assert db.session.query(DataPoint).filter_by(measure_id=measure["id"]).count() == 16
    assert db.session.query(DataEdit).filter_by(source="csv").count() == 0
    form = app.test_client().post(f"/api/v1/measures/{measure['id']}/data.csv?dry_run=1", headers=headers,
                                  data={"file": (io.BytesIO(text.encode()), "data.csv")})
    assert form.status_code == 200 and form.get_json()["changed"] == 2, "a multipart form's file is read the same"
    assert db.session.query(DataEdit).filter_by(source="csv").count() == 0
    done = _import(app.test_client(), headers, measure["id"], text)
    assert done.get_json()["dry_run"] is False and done.get_json()["changed"] == 2
    assert db.session.query(DataPoint).filter_by(measure_id=measure["id"]).count() == 17


def test_a_file_too_large_or_too_long_is_refused_in_words(app, world, shared):
    _pat, _peer, _p, _project, measure = shared
    headers = _token(app, world.participant)
    big = "period,stratifier,stratum,numerator,denominator\n" + "2026-03,,,1,2," + "x" * (5 * 1024 * 1024)
    answer = _import(app.test_client(), headers, measure["id"], big)
    assert answer.status_code == 413 and "larger than 5 MB" in answer.get_json()["error"]["message"]
    long = "period,stratifier,stratum,numerator,denominator\n" + "2026-03,,,1,2\n" * 20_001
    answer = _import(app.test_client(), headers, measure["id"], long)
    assert answer.status_code == 422 and "more than 20000 rows" in answer.get_json()["error"]["fields"]["file"]


def test_text_a_spreadsheet_would_run_as_a_formula_is_escaped_and_reads_back(app, world):
    pat = signed_in(app, world.participant)
    _project, measure = _measure(pat, world.team.id, name="=HYPERLINK(\"http://evil.example\",\"x\")",
                                 stratifiers=["payer"], custom_stratifiers=[
                                     {"key": "payer", "label": "Payer", "categories": ["+Medicaid", "@Private"]}])
    points = [{"period": "2026-01", "stratum": {"payer": "+Medicaid"}, "numerator": 20, "denominator": 40},
              {"period": "2026-01", "stratum": {"payer": "@Private"}, "numerator": 30, "denominator": 50}]
    assert api_write(pat, "PUT", f"/api/v1/measures/{measure['id']}/data", {"points": points}).status_code == 200
    text = pat.get(f"/measures/{measure['id']}/data.csv").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells), cells
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'+Medicaid" in cells and "'@Private" in cells
    edited = text.replace("'+Medicaid,20,40", "'+Medicaid,25,40")
    back = _import(app.test_client(), _token(app, world.participant), measure["id"], edited)
    assert back.status_code == 200 and back.get_json()["changed"] == 1, back.get_data(as_text=True)
    assert db.session.query(DataPoint).filter_by(stratum="payer=+Medicaid").one().numerator == 25


# ---------------------------------------------------------------- what a peer may take away

def _spanish_january(rows):
    return next(r for r in rows if r["period"] == "2026-01" and r["stratum"] == "Spanish")


def test_a_peer_never_downloads_the_small_cell(app, world, shared):
    _pat, peer_client, peer, _project, measure = shared
    for url in (f"/measures/{measure['id']}/data.csv", f"/api/v1/measures/{measure['id']}/data.csv"):
        text = peer_client.get(url).get_data(as_text=True)
        rows = _rows(text)
        hidden = _spanish_january(rows)
        assert (hidden["numerator"], hidden["denominator"], hidden["value"], hidden["suppressed"]) == ("", "", "", "1")
        january = [r for r in rows if r["period"] == "2026-01"]
        numbers = {r[k] for r in january for k in ("numerator", "denominator")}
        assert not numbers & {"3", "7"} and "0.428" not in text, text
        shown = [r for r in january if r["stratifier"] and r["suppressed"] == "0"]
        total = next(r for r in january if not r["stratifier"])
        if total["suppressed"] == "0":
            assert int(total["numerator"]) - sum(int(r["numerator"]) for r in shown) not in (3,), \
                "the hidden cell cannot be had by subtraction"

    for query in ("", "?period=2026-01"):
        answer = peer_client.get(f"/api/v1/measures/{measure['id']}/report.fhir{query}")
        assert answer.status_code == 200 and answer.mimetype == "application/fhir+json"
        report = answer.get_json()
        strata = [s for s in report["group"][0]["stratifier"][0]["stratum"] if s["value"]["text"] == "Spanish"]
        assert len(strata) == 1 and "measureScore" not in strata[0] and "population" not in strata[0]
        assert strata[0]["extension"][0]["valueCode"] == "masked"
        assert "0.428" not in json.dumps(report)
    _validate(report)

    # The report draws the equity focus's groups: the team's shows January's 42.9% (and a median
    # of 46.4% with it); the peer's neither, on the page or in the PDF.
    page = peer_client.get(f"/projects/{_project['id']}/report").get_data(as_text=True)
    assert "Spanish" in page and "42.9" not in page and "46.4" not in page
    pdf = peer_client.get(f"/projects/{_project['id']}/report.pdf").get_data()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "Spanish: The median is 50.0%" in text and "42.9" not in text and "46.4" not in text


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_peer_png_is_the_suppressed_chart_not_the_raw_one(app, world, shared):
    from hub.projects import chart_png, charts, published

    pat, peer_client, _peer, _project, measure = shared
    url = f"/measures/{measure['id']}/chart.png?stratum=language%3DSpanish"
    seen, own = peer_client.get(url), pat.get(url)
    assert seen.status_code == 200 and seen.mimetype == "image/png" and seen.get_data().startswith(b"\x89PNG")
    found = db.session.get(Measure, measure["id"])
    with app.test_request_context():
        drawn = {raw: chart_png.svg_to_png(charts.chart_of(found, published.publish(found, raw),
                                                           stratum="language=Spanish").svg(id_prefix="png"))
                 for raw in (True, False)}
    assert drawn[True] != drawn[False]
    assert seen.get_data() == drawn[False] and own.get_data() == drawn[True]


# ---------------------------------------------------------------- FHIR and the report

def _validate(report: dict) -> None:
    from fhir.resources.R4B.measurereport import MeasureReport

    MeasureReport.model_validate(report)


def test_the_fhir_report_for_the_team_counts_every_group_and_validates(app, world, shared):
    pat, _peer, _p, _project, measure = shared
    report = pat.get(f"/api/v1/measures/{measure['id']}/report.fhir").get_json()
    _validate(report)
    group = report["group"][0]
    counts = {p["code"]["coding"][0]["code"]: p["count"] for p in group["population"]}
    assert counts == {"numerator": 164, "denominator": 264} and group["measureScore"]["value"] == round(164 / 264, 6)
    assert report["period"] == {"start": "2026-01-01", "end": "2026-02-28"}
    spanish = next(s for s in group["stratifier"][0]["stratum"] if s["value"]["text"] == "Spanish")
    assert {p["code"]["coding"][0]["code"]: p["count"] for p in spanish["population"]} == {"numerator": 33,
                                                                                             "denominator": 67}
    january = pat.get(f"/api/v1/measures/{measure['id']}/report.fhir?period=2026-01").get_json()
    spanish = next(s for s in january["group"][0]["stratifier"][0]["stratum"] if s["value"]["text"] == "Spanish")
    assert spanish["measureScore"]["value"] == round(3 / 7, 6)
    assert january["period"] == {"start": "2026-01-01", "end": "2026-01-31"}
    bad = pat.get(f"/api/v1/measures/{measure['id']}/report.fhir?period=January")
    assert bad.status_code == 422 and "period" in bad.get_json()["error"]["fields"]


def test_an_intersection_is_a_stratum_of_components(app, world):
    pat = signed_in(app, world.participant)
    _project, measure = _measure(pat, world.team.id, stratifiers=["language", "race"])
    text = ("period,stratifier,stratum,numerator,denominator\n"
            "2026-01,,race=Asian|language=Spanish,12,40\n2026-01,,,50,100\n")
    assert _import(app.test_client(), _token(app, world.participant), measure["id"], text).status_code == 200
    report = pat.get(f"/api/v1/measures/{measure['id']}/report.fhir").get_json()
    _validate(report)
    both = next(s for s in report["group"][0]["stratifier"] if len(s["code"]) == 2)
    assert both["stratum"][0]["component"] == [{"code": {"text": "language"}, "value": {"text": "Spanish"}},
                                               {"code": {"text": "race"}, "value": {"text": "Asian"}}]
    assert both["stratum"][0]["measureScore"]["value"] == 0.3


def test_the_one_page_report_and_its_pdf(app, world, shared):
    pat, _peer, _p, project, measure = shared
    page = pat.get(f"/projects/{project['id']}/report")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    for words in ("Colorectal screening for Spanish speakers", "Screen 70 in 100 by 2027", "Spanish compared with English",
                  "Screened", "<svg", "Spanish-language outreach calls", "Calls reached 40 patients", "PDSA log"):
        assert words in body, words
    assert "<style" not in body and "style=" not in body.split("<svg")[0], "the CSP forbids inline styles"
    pdf = pat.get(f"/projects/{project['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.get_data().startswith(b"%PDF")
    text = _pdf_text(pdf.get_data())
    assert "Colorectal screening" in text and "Spanish-language outreach calls" in text
    assert "2026-01: 42.9%" in body and "Spanish: The median is 46.4%" in text, "the team sees its own small cell"
    links = pat.get(f"/projects/{project['id']}").get_data(as_text=True)
    assert f"/projects/{project['id']}/report.pdf" in links
    assert f"/measures/{measure['id']}/import" in pat.get(f"/measures/{measure['id']}").get_data(as_text=True)


# ---------------------------------------------------------------- who may

def test_an_outsider_gets_404_from_every_new_route_and_a_peer_may_not_import(app, world, shared):
    _pat, peer_client, _peer, project, measure = shared
    outsider = signed_in(app, world.outsider)
    m, p = measure["id"], project["id"]
    for url in (f"/measures/{m}/data.csv", f"/measures/{m}/import", f"/measures/{m}/chart.png",
                f"/projects/{p}/report", f"/projects/{p}/report.pdf", f"/api/v1/measures/{m}/data.csv",
                f"/api/v1/measures/{m}/report.fhir"):
        assert outsider.get(url).status_code == 404, url
    text = "period,stratifier,stratum,numerator,denominator\n2026-03,,,1,2\n"
    assert post_form(outsider, f"/measures/{m}/import", {"upload": "x" * 32, "confirm": "1"},
                     token_from="/").status_code == 404
    assert _upload(outsider, f"/measures/{m}/import", text).status_code == 404
    assert _import(app.test_client(), _token(app, world.outsider), m, text).status_code == 404
    assert peer_client.get(f"/measures/{m}/import").status_code == 403
    assert _import(app.test_client(), _token(app, _peer), m, text).status_code == 403
    assert db.session.query(DataPoint).filter_by(measure_id=m).count() == 16, "nobody outside the team wrote"


def test_counts_and_measurements_export_import_and_report_too(app, world):
    pat = signed_in(app, world.participant)
    headers = _token(app, world.participant)
    _project, falls = _measure(pat, world.team.id, name="Falls", type="count", direction="down")
    text = "period,stratifier,stratum,numerator,denominator\n2026-01,language,English,12,\n2026-02,language,English,15,\n"
    assert _import(app.test_client(), headers, falls["id"], text).status_code == 200
    report = pat.get(f"/api/v1/measures/{falls['id']}/report.fhir").get_json()
    _validate(report)
    assert "population" not in report["group"][0], "no whole-population row was entered"
    english = next(s for s in report["group"][0]["stratifier"][0]["stratum"] if s["value"]["text"] == "English")
    assert english["measureScore"]["value"] == 27 and report["improvementNotation"]["coding"][0]["code"] == "decrease"

    _project, wait = _measure(pat, world.team.id, name="Days to colonoscopy", type="measurement", stratifiers=[])
    text = "period,stratifier,stratum,value\n2026-01,,,41.5\n2026-02,,,38\n"
    assert _import(app.test_client(), headers, wait["id"], text).status_code == 200
    rows = _rows(pat.get(f"/measures/{wait['id']}/data.csv").get_data(as_text=True))
    assert [(r["period"], r["value"], r["numerator"]) for r in rows] == [("2026-01", "41.5", ""), ("2026-02", "38", "")]
    report = pat.get(f"/api/v1/measures/{wait['id']}/report.fhir?period=2026-02").get_json()
    _validate(report)
    assert report["group"][0]["measureScore"]["value"] == 38 and "population" not in report["group"][0]
