"""`fto serve`'s JSON API through the ASGI test client: every endpoint, every error, the limits.

The answers must be the CLI's: each is compared with what `fto ask --json` or `fto whatif
--json` prints for the same file, and each error with the line the CLI prints for it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests import cli_process
from fastapi.testclient import TestClient

from engine.errors import InputError
from engine.web.app import CSP, Settings, create_app
from engine.web.worker import Sessions

ROOT = Path(__file__).resolve().parent.parent
SINALOA = (ROOT / "examples/sinaloa.yaml").read_text(encoding="utf-8")
ADVOCACY_PATH = "cases/material_support/advocacy_vs_coordinated_training.yaml"
ADVOCACY = (ROOT / ADVOCACY_PATH).read_text(encoding="utf-8")
PRESS = "material_support(professor, press)"
LOCAL = "http://127.0.0.1"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return cli_process.run(args, ROOT, 120)


def cli_json(*args: str) -> Any:
    done = cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def cli_error(path: Path, *args: str) -> str:
    """The CLI's message for a file, with the file's name as the API names a request's scenario."""
    done = cli(*args)
    assert done.returncode == 2, done.stdout
    line = done.stderr.strip()
    assert line.startswith("error: ") and "\n" not in line
    return line.removeprefix("error: ").replace(str(path), "<scenario>")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(workers=1)), base_url=LOCAL) as c:
        yield c


def post(client: TestClient, path: str, body: Any) -> Any:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def error(client: TestClient, path: str, body: Any, status: int = 400) -> str:
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    message = response.json()["error"]
    assert "\n" not in message
    return message


# --- answers are the CLI's ------------------------------------------------------------------------

def test_ask_is_what_fto_ask_json_prints_before_and_after_publication(client):
    answer = post(client, "/api/ask", {"scenario": SINALOA, "question": "designated(sinaloa)"})
    assert answer == cli_json("ask", "examples/sinaloa.yaml", "designated(sinaloa)")
    assert answer["answer"] == "yes" and "90 FR 10030" in answer["citations"]  # published 2025-02-20
    before = post(client, "/api/ask", {"scenario": SINALOA, "question": "designated(sinaloa)", "as_of": "2025-02-19"})
    assert before == cli_json("ask", "examples/sinaloa.yaml", "designated(sinaloa)", "--as-of", "2025-02-19")
    assert before["answer"] == "no"


def test_a_scenario_as_a_json_object_and_several_questions_give_the_same_answers(client):
    as_json = {"scenario": "Sinaloa", "as_of": "2025-03-01", "organizations": {"sinaloa": {"registry": "cartel_de_sinaloa"}}}
    one = post(client, "/api/ask", {"scenario": SINALOA, "question": "designated(sinaloa)"})
    assert post(client, "/api/ask", {"scenario": as_json, "question": "designated(sinaloa)"}) == one
    press = post(client, "/api/ask", {"scenario": ADVOCACY, "question": PRESS})
    oped = post(client, "/api/ask", {"scenario": ADVOCACY, "question": "material_support(professor, oped)"})
    both = post(client, "/api/ask", {"scenario": ADVOCACY, "question": [PRESS, "material_support(professor, oped)"]})
    assert both == [press, oped]
    assert (press["answer"], oped["answer"]) == ("yes", "no")  # HLP: coordinated advocacy is a service, independent is not


def test_every_question_form_is_answered_as_fto_ask_answers_it(client):
    """Negation, an open question, a value question (#18): the same objects `fto ask --json` prints."""
    forms = ["not material_support(professor, oped)", "material_support(professor, T)",
             "review_window_closes(sinaloa, D)"]
    for question, path, text in zip(forms, (ADVOCACY_PATH, ADVOCACY_PATH, "examples/sinaloa.yaml"),
                                    (ADVOCACY, ADVOCACY, SINALOA)):
        assert post(client, "/api/ask", {"scenario": text, "question": question}) == cli_json("ask", path, question)
    negated, listing = post(client, "/api/ask", {"scenario": ADVOCACY, "question": forms[:2]})
    assert negated["answer"] == "yes"  # the independent op-ed is no service to the organization (HLP)
    found = [(b["question"], b["answer"]) for b in listing["bindings"]]
    assert (PRESS, "yes") in found and not any("oped" in q for q, _ in found)
    refused = error(client, "/api/ask?format=memo", {"scenario": ADVOCACY, "question": forms[1]})
    assert refused.startswith("<request>: format: a memo shows one conclusion's proof")


def test_why_not_is_what_fto_ask_why_not_prints(client):
    body = {"scenario": ADVOCACY, "question": "material_support(professor, oped)", "why_not": True}
    answer = post(client, "/api/ask", body)
    assert answer == cli_json("ask", ADVOCACY_PATH, "material_support(professor, oped)", "--why-not")
    assert answer["answer"] == "no" and answer["why_not"]


def test_whatif_is_what_fto_whatif_json_prints_warm_or_new(client):
    fresh = ADVOCACY + "# a text of its own, so its session is new here\n"
    body = {"scenario": fresh, "question": PRESS, "set": {"transactions.press.coordinated_with": "false"}}
    first = client.post("/api/whatif", json=body)
    second = client.post("/api/whatif", json=body)
    assert (first.headers["x-fto-session"], second.headers["x-fto-session"]) == ("new", "warm")
    expected = cli_json("whatif", ADVOCACY_PATH, PRESS, "--set", "transactions.press.coordinated_with=false")
    assert first.json() == expected == second.json()
    result = first.json()
    assert (result["before"]["answer"], result["after"]["answer"], result["changed"]) == ("yes", "no", True)
    assert {"conclusion": "material_support(professor,press)", "label": "material_support(professor,press)", "before": "yes", "after": "no"} in result["flipped"]
    # a JSON value, and the same change as a patch, give the same comparison
    assert post(client, "/api/whatif", {**body, "set": {"transactions.press.coordinated_with": False}}) == expected
    patch = {"transactions": {"press": {"coordinated_with": False}}}
    assert post(client, "/api/whatif", {"scenario": fresh, "question": PRESS, "patch": patch})["after"] == expected["after"]


def test_whatif_remove_and_a_moved_date_match_the_cli(client):
    path = "cases/designation/act_of_congress.yaml"
    text = (ROOT / path).read_text(encoding="utf-8")
    removed = post(client, "/api/whatif", {"scenario": text, "question": "designated(acme)", "as_of": "2025-05-01",
                                           "remove": ["events.2"]})
    assert removed == cli_json("whatif", path, "designated(acme)", "--as-of", "2025-05-01", "--remove", "events.2")
    assert (removed["before"]["answer"], removed["after"]["answer"]) == ("no", "yes")  # the Act of Congress is gone
    moved = post(client, "/api/whatif", {"scenario": SINALOA, "question": "designated(sinaloa)", "set": {"as_of": "2025-02-19"}})
    assert moved == cli_json("whatif", "examples/sinaloa.yaml", "designated(sinaloa)", "--set", "as_of=2025-02-19")
    assert (moved["after"]["answer"], moved["regrounded"]) == ("no", True)


def test_memo_and_graph_are_what_fto_prints_with_format(client):
    body = {"scenario": ADVOCACY, "question": "material_support(professor, oped)", "why_not": True}
    memo = client.post("/api/ask", params={"format": "memo"}, json=body)
    assert memo.headers["content-type"] == "text/markdown; charset=utf-8"
    assert memo.text == cli("ask", ADVOCACY_PATH, "material_support(professor, oped)", "--why-not", "--format", "memo").stdout
    assert memo.text.startswith("# material_support(professor,oped)") and "## Authorities" in memo.text
    change = {"scenario": ADVOCACY, "question": PRESS, "set": {"transactions.press.coordinated_with": "false"}}
    after = client.post("/api/whatif", params={"format": "memo"}, json=change)
    assert after.text == cli("whatif", ADVOCACY_PATH, PRESS, "--set", "transactions.press.coordinated_with=false",
                             "--format", "memo").stdout
    assert "material_support(professor,press): yes → no" in after.text
    graph = client.post("/api/ask", params={"format": "dot"}, json={"scenario": SINALOA, "question": "designated(sinaloa)"})
    assert graph.headers["content-type"].startswith("text/vnd.graphviz") and graph.text.startswith("digraph proof {")
    assert error(client, "/api/ask?format=memo", {**body, "question": [PRESS, PRESS]}) == \
        "<request>: format: a memo is of one question; ask them one at a time"
    assert client.post("/api/ask", params={"format": "png"}, json=body).json()["error"].startswith("<request>: format: ")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (.ci/run installs it)")
def test_svg_is_the_cli_drawing_of_the_proof(client):
    body = {"scenario": SINALOA, "question": "designated(sinaloa)"}
    drawn = client.post("/api/ask", params={"format": "svg"}, json=body)
    assert drawn.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert drawn.text == cli("ask", str(ROOT / "examples/sinaloa.yaml"), "designated(sinaloa)", "--format", "svg").stdout
    assert "<svg" in drawn.text and "Sinaloa" in drawn.text


def test_svg_without_graphviz_on_the_server_is_refused_with_the_way_round(monkeypatch):
    from engine.web import worker

    monkeypatch.setattr(worker.shutil, "which", lambda _name: None)
    with pytest.raises(InputError) as refused:
        worker._view({"format": "svg"}, ["designated(sinaloa)"])
    assert str(refused.value) == "<request>: format: svg needs Graphviz's `dot` program on the server; format=dot gives the graph without it"


def test_validate_gives_ids_and_the_facts_a_whatif_can_change(client):
    result = post(client, "/api/validate", {"scenario": ADVOCACY})
    assert result["as_of"] == "2025-05-01"
    assert result["ids"]["transactions"] == ["oped", "un_training", "press"]
    levers = {lever["path"]: lever for group in result["levers"] for lever in group["levers"]}
    assert levers["transactions.press.coordinated_with"] == {
        "path": "transactions.press.coordinated_with", "field": "coordinated_with", "kind": "flag", "value": True,
        "options": [True, False, "unknown"]}
    assert levers["transactions.press.on"]["kind"] == "date" and levers["transactions.press.on"]["value"] == "2024-05-01"
    assert levers["knowledge.0.knew"]["kind"] == "choice" and "terrorism" in levers["knowledge.0.knew"]["options"]


# --- the read-only endpoints ----------------------------------------------------------------------

def test_predicates_registry_schema_and_openapi(client):
    from engine.cli import predicate_rows
    from engine.scenario import Scenario

    assert client.get("/api/predicates").json() == predicate_rows()
    found = client.get("/api/registry", params={"q": "sinaloa"}).json()
    assert [e["id"] for e in found] == ["cartel_de_sinaloa"] and found[0]["designated"] == "2025-02-20"
    assert client.get("/api/schema").json() == Scenario.model_json_schema(by_alias=True)
    spec = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/whatif", "/api/validate", "/api/predicates", "/api/registry", "/api/schema",
            "/api/cases"} <= set(spec["paths"])
    assert {"Answer", "WhatIf", "AskRequest", "WhatIfRequest", "ErrorBody"} <= set(spec["components"]["schemas"])
    assert client.get("/docs").status_code == 404  # the docs page would load scripts from a CDN


def test_cases_come_from_the_package_by_id_only(client):
    listing = client.get("/api/cases").json()
    ids = [c["id"] for c in listing]
    assert ids[0] == "examples/sinaloa.yaml" and ADVOCACY_PATH in ids
    assert len([i for i in ids if i.startswith("cases/")]) == len(list((ROOT / "cases").rglob("*.yaml")))
    one = client.get(f"/api/cases/{ADVOCACY_PATH}").json()
    assert one["text"] == ADVOCACY and one["questions"][0] == {"ask": "material_support(professor, oped)", "answer": "no"}
    for name in ("cases/../pyproject.toml", "%2e%2e/pyproject.toml", "/etc/passwd", "cases/README.md"):
        response = client.get(f"/api/cases/{name}")
        assert response.status_code == 404 and "build-backend" not in response.text and "root:" not in response.text


def test_the_page_and_its_assets_carry_a_content_security_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and '<script src="/static/app.js" defer></script>' in page.text
    assert "http" not in page.text.replace("http://www.w3.org", "")  # nothing loaded from elsewhere
    for response in (page, client.get("/static/app.js"), client.get("/api/predicates")):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "unsafe" not in CSP


def test_cors_is_off_unless_an_origin_is_allowed_and_other_hosts_are_refused(client):
    response = client.get("/api/predicates", headers={"origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    assert client.get("/api/predicates", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding
    allowed = TestClient(create_app(Settings(allow_origins=("http://localhost:3000",))), base_url=LOCAL)
    response = allowed.get("/api/predicates", headers={"origin": "http://localhost:3000"})
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"


# --- bad input: 4xx with the CLI's one line ---------------------------------------------------------

def test_scenario_and_question_errors_are_the_cli_lines(client, tmp_path):
    bad = SINALOA + "  sinaloa_two: {registry: cartel_de_sinaloa, colour: red}\n"
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    response = client.post("/api/ask", json={"scenario": bad, "question": "designated(sinaloa)"})
    assert response.status_code == 400
    assert response.json() == {"error": cli_error(path, "ask", str(path), "designated(sinaloa)"), "source": "<scenario>",
                               "line": 5, "where": "organizations.sinaloa_two.colour"}
    assert response.json()["error"].startswith("<scenario>:5: organizations.sinaloa_two.colour: unknown key")
    assert error(client, "/api/validate", {"scenario": bad}) == response.json()["error"]
    good = tmp_path / "good.yaml"
    good.write_text(SINALOA, encoding="utf-8")
    for question in ("designated(cjng)", "nonsense(sinaloa)"):
        assert error(client, "/api/ask", {"scenario": SINALOA, "question": question}) == \
            cli_error(good, "ask", str(good), question)
    broken = tmp_path / "broken.yaml"
    broken.write_text("scenario: [", encoding="utf-8")
    assert error(client, "/api/ask", {"scenario": "scenario: [", "question": "designated(x)"}) == \
        cli_error(broken, "ask", str(broken), "designated(x)")
    assert error(client, "/api/ask", {"scenario": SINALOA, "question": "designated(sinaloa)", "as_of": "2025-13-01"}) == \
        cli_error(good, "ask", str(good), "designated(sinaloa)", "--as-of", "2025-13-01").replace(
            "<command line>: --as-of:", "<request>: as_of:")


def test_whatif_errors_are_the_cli_lines(client, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(ADVOCACY, encoding="utf-8")
    # The same problem, blamed on where the value was written: the option, or the request's field.
    for change, args, written in (
            ({"set": {"transactions.press.on": "soon"}}, ["--set", "transactions.press.on=soon"],
             ("<command line> --set transactions.press.on=soon:", "<request>: set.transactions.press.on:")),
            ({"remove": ["events.9"]}, ["--remove", "events.9"],
             ("<command line> --remove events.9:", "<request>: remove.0: events.9:"))):
        assert error(client, "/api/whatif", {"scenario": ADVOCACY, "question": PRESS, **change}) == \
            cli_error(good, "whatif", str(good), PRESS, *args).replace(*written)
    assert error(client, "/api/whatif", {"scenario": ADVOCACY, "question": PRESS}) == \
        "<request>: give at least one change: set, remove or patch"
    # the warm session was not left changed by the failures
    assert post(client, "/api/whatif", {"scenario": ADVOCACY, "question": PRESS,
                                        "set": {"transactions.press.coordinated_with": False}})["before"]["answer"] == "yes"


def test_readings_are_checked_by_name_and_fixed_as_the_cli_fixes_them(client):
    body = {"scenario": SINALOA, "question": "designated(sinaloa)"}
    assert post(client, "/api/ask", {**body, "readings": {}})["answer"] == "yes"
    unknown = error(client, "/api/ask", {**body, "readings": {"made_on_signature": True}})
    assert unknown == ("<request>: readings.made_on_signature: 'made_on_signature' is not a reading; "
                       "did you mean 'made_on_signing'?")
    far = error(client, "/api/ask", {**body, "readings": {"frap": True}})  # nothing close: every name
    assert "the readings are" in far and "made_on_signing" in far and "frap_26a_extends_deadline" in far
    assert error(client, "/api/ask", {**body, "readings": {"made_on_signing": "yes"}}) == \
        "<request>: readings.made_on_signing: 'yes': a reading is true or false"
    # § 1189(c)(1)'s 30 days from 2025-02-20 end on Saturday 2025-03-22; whether FRAP 26(a)(1)(C)
    # makes a petition filed on Monday 2025-03-24 timely is open, and fixed one way it is settled
    case = ROOT / "cases/lifecycle/review_petition_on_the_rolled_day.yaml"
    question = "review_petition_timely(petition)"
    window = {"scenario": case.read_text(encoding="utf-8"), "question": question}
    assert post(client, "/api/ask", window)["answer"] == "depends"
    for fixed, expected in ((True, "yes"), (False, "no")):
        served = post(client, "/api/ask", {**window, "readings": {"frap_26a_extends_deadline": fixed}})
        assert served["answer"] == expected
        flag = f"frap_26a_extends_deadline={'yes' if fixed else 'no'}"
        assert served == cli_json("ask", str(case), question, "--reading", flag)
        warm = post(client, "/api/ask", {**window, "why_not": True, "readings": {"frap_26a_extends_deadline": fixed}})
        assert warm["answer"] == expected


def test_malformed_requests_get_one_line(client):
    assert client.post("/api/ask", content=b"{", headers={"content-type": "application/json"}).json() == \
        {"error": "<request>: the body is not valid JSON"}
    deep = b'{"scenario": ' + b"[" * 100_000 + b"]" * 100_000 + b', "question": "x(y)"}'
    assert client.post("/api/ask", content=deep, headers={"content-type": "application/json"}).json() == \
        {"error": "<request>: the body is not valid JSON"}
    assert client.post("/api/ask", content=b"scenario=x", headers={"content-type": "text/plain"}).json() == \
        {"error": "<request>: the body must be a JSON object, sent as content-type: application/json"}
    assert error(client, "/api/ask", {"question": "designated(x)"}) == "<request>: scenario: required key is missing"
    assert error(client, "/api/ask", {"scenario": SINALOA, "question": 3}).startswith("<request>: question: ")
    assert error(client, "/api/ask", {"scenario": SINALOA, "question": "designated(sinaloa)", "colour": 1}).startswith(
        "<request>: colour: ")
    assert error(client, "/api/ask", {"scenario": SINALOA, "question": []}) == \
        "<request>: question: give a question such as designated(cjng)"
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/ask").status_code == 405


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(client):
    huge = {"scenario": "x" * (2 * 1024 * 1024), "question": "designated(x)"}
    assert error(client, "/api/ask", huge, 413) == "<request>: the body is over 2,097,152 bytes, the limit of this server"


def test_past_the_time_limit_the_process_is_replaced_and_the_server_goes_on():
    with TestClient(create_app(Settings(workers=1, timeout_s=0.001)), base_url=LOCAL) as client:
        assert client.get("/api/health").json()["ready"]
        assert error(client, "/api/ask", {"scenario": SINALOA, "question": "designated(sinaloa)"}, 413) == \
            "timed out after 0.001 s (--timeout); nothing was written"
        assert client.get("/api/health").json() == {"ready": True, "workers": 1}  # a fresh process


def test_past_the_memory_limit_the_process_is_replaced_and_the_server_goes_on():
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate_dict

    big = json.loads(json.dumps(generate_dict(800), default=str))
    with TestClient(create_app(Settings(workers=1, memory_mb=150)), base_url=LOCAL) as client:
        assert error(client, "/api/whatif", {"scenario": big, "question": "designated(cjng)", "set": {"as_of": "2026-01-01"}},
                     413) == "ran out of memory (--max-memory-mb); the scenario is too large to ground"
        assert post(client, "/api/ask", {"scenario": SINALOA, "question": "designated(sinaloa)"})["answer"] == "yes"


# --- warm sessions --------------------------------------------------------------------------------

def test_sessions_are_evicted_by_count_and_by_idle_age():
    made: list[str] = []

    def make(key: str) -> Any:
        return lambda: made.append(key) or key

    sessions = Sessions(size=2, idle_s=60)
    assert [sessions.get(k, make(k))[1] for k in ("a", "b", "a", "c", "a", "b")] == \
        [False, False, True, False, True, False]  # "c" pushed out "b", the least recently used
    assert made == ["a", "b", "c", "b"]
    aging = Sessions(size=4, idle_s=0.01)
    aging.get("a", make("a"))
    time.sleep(0.02)
    assert aging.get("a", make("a"))[1] is False


def test_a_served_session_answers_a_what_if_asked_again_at_once_from_the_last_one():
    """The playground asks for a what-if's memo right after its JSON: the same what-if is not solved
    twice. Any other what-if is solved, and each is the bytes a plain session gives."""
    from engine.session import Session, parse_set
    from engine.web.worker import ServedSession, _located

    session = ServedSession(_located(ADVOCACY), None, {})
    off = [parse_set("transactions.press.coordinated_with=false")]
    first = session.whatif(PRESS, off)
    assert session.undo() and session.whatif(PRESS, [parse_set("transactions.press.coordinated_with=false")]) is first
    assert not session.undo()  # nothing was changed to answer it
    other = session.whatif(PRESS, [parse_set("transactions.press.coordinated_with=unknown")])
    assert session.undo() and (first.after.answer, other.after.answer) == ("no", "depends")
    plain = Session(ROOT / ADVOCACY_PATH)
    assert first.model_dump_json() == plain.whatif(PRESS, off).model_dump_json()
    plain.undo()
    assert other.model_dump_json() == plain.whatif(PRESS, [parse_set("transactions.press.coordinated_with=unknown")]).model_dump_json()


# --- the command --------------------------------------------------------------------------------

def test_fto_serve_applies_the_global_limits_per_request_not_to_the_server(monkeypatch):
    from typer.testing import CliRunner

    import engine.cli
    import engine.web.app

    started: list[Any] = []
    monkeypatch.setattr(engine.cli, "_start_watchdog", lambda s: started.append(("watchdog", s)))
    monkeypatch.setattr(engine.cli, "_limit_memory", lambda mb: started.append(("memory", mb)))
    monkeypatch.setattr(engine.web.app, "run", lambda settings: started.append(settings))
    result = CliRunner().invoke(engine.cli.app, ["--timeout", "7", "--max-memory-mb", "500", "serve", "--port", "9"])
    assert result.exit_code == 0, result.output
    assert started == [Settings(port=9, timeout_s=7.0, memory_mb=500)]


def test_program_text_in_a_request_is_only_ever_data(client):
    hostile = 'designated(sinaloa). :- designated(sinaloa). #show'
    assert error(client, "/api/ask", {"scenario": SINALOA, "question": hostile}).startswith("<scenario>: question: ")
    named = SINALOA.replace("{registry: cartel_de_sinaloa}", '{registry: cartel_de_sinaloa, name: "x). :- designated(sinaloa). %"}')
    answer = post(client, "/api/ask", {"scenario": named, "question": "designated(sinaloa)"})
    assert answer["answer"] == "yes" and "). :- designated(sinaloa). % is a designated" in answer["explanation"]["claim"]


def test_the_memory_limit_counts_the_process_itself_not_the_one_that_started_it():
    """A solver process starts from the server; getrusage's peak would count the server's size too."""
    ballast = bytearray(400 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):  # make it resident
        ballast[i] = 1
    done = cli("--max-memory-mb", "300", "ask", "examples/sinaloa.yaml", "designated(sinaloa)")
    del ballast
    assert done.returncode == 0, done.stderr
