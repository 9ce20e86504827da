"""`/v1/rulesets`: listing, versions with windows, status and hash, a version in full."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.api_helpers import assert_problem
from tests.rulesets.kug import CORRECTED


def test_list_rule_sets(examples: FlaskClient) -> None:
    body = examples.get("/v1/rulesets").get_json()
    ids = [r["id"] for r in body["rulesets"]]
    assert ids == ["fishing-licence", "kurzarbeitergeld", "snap"]
    snap = body["rulesets"][2]
    versions = ["2019-10-01", "2019-10-01.1", "2020-03-01", "2020-03-01.1"]
    assert [v["version"] for v in snap["versions"]] == versions
    first = snap["versions"][0]
    assert first["status"] == "published"
    assert first["effective_from"] == "2019-10-01"
    assert len(first["content_hash"]) == 64
    assert snap["title"]["en"]


def test_one_rule_set(examples: FlaskClient) -> None:
    body = examples.get("/v1/rulesets/kurzarbeitergeld").get_json()
    assert body["id"] == "kurzarbeitergeld"
    # Ten published versions and the published corrections of their windows.
    corrected = sorted(CORRECTED)
    assert len(body["versions"]) == 10 + len(corrected)
    assert body["superseded_by"] == {version: f"{version}.1" for version in corrected}
    windows = [(v["effective_from"], v["effective_to"]) for v in body["versions"]]
    assert windows == sorted(windows)
    assert body["default_locale"] in ("de", "en")


def test_one_version_in_full(client: FlaskClient) -> None:
    body = client.get("/v1/rulesets/fishing-licence/versions/2024-01-01").get_json()
    assert body["ruleset"] == "fishing-licence"
    assert body["effective_to"] == "2024-12-31"
    assert body["locales"] == ["de", "en"]
    assert [q["id"] for q in body["questions"]] == ["age", "income", "resident"]
    income = body["questions"][1]
    assert income["constraints"] == {"min": "0", "decimal_places": 2}
    assert income["allow_unknown"] is True
    assert body["questions"][0]["label"] == {"en": "How old are you?", "de": "Wie alt sind Sie?"}
    params = {p["id"]: p for p in body["parameters"]}
    assert params["income_limit"]["value"] == "1200.00"
    assert params["fee"]["table"] == {
        "key_type": "integer",
        "rows": {"1": "40", "2": "35", "3": "30"},
        "each_additional": "-5",
    }
    rule = next(r for r in body["rules"] if r["id"] == "is_senior")
    assert rule["condition"] == "age >= 65"
    assert rule["explanation"]["true"]["en"] == "At {age} you count as a senior."
    assert rule["why"] == {"en": "Seniors pay a reduced fee."}
    assert [g["id"] for g in body["goals"]] == ["eligible", "reduction"]
    assert body["derived"][0]["expression"] == "round(income)"
    assert body["legal_basis"][0]["reference"] == "Fisheries Act § 12"


def test_unknown_rule_set_and_version_are_404(client: FlaskClient) -> None:
    assert_problem(client.get("/v1/rulesets/nope"), 404, "ruleset-not-found")
    assert_problem(client.get("/v1/rulesets/nope/versions/1"), 404, "ruleset-not-found")
    response = client.get("/v1/rulesets/fishing-licence/versions/1999")
    assert_problem(response, 404, "version-not-found")
    response = client.get("/v1/rulesets/fishing-licence/versions/1999/questions")
    assert_problem(response, 404, "version-not-found")
