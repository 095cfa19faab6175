"""The OpenAPI document: valid, complete (every route and method), and true to the real responses."""

from __future__ import annotations

import json
import re
import time

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.api.conftest import Api
from tests.security_world import ARTICLE


def _template(rule: str) -> str:
    """``/api/v1/questions/<int:question_id>`` -> ``/questions/{question_id}``."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def test_document_is_valid_openapi(client):
    response = client.get("/api/v1/openapi.json")  # no token needed
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]


def test_document_names_every_route_and_method(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    routes = {(_template(rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in paths.items() for method in item if method != "parameters"}
    assert routes == documented


class Checker:
    """Validates each response's JSON body against the document's schema for its path, method and status."""

    def __init__(self, app, document):
        self.app, self.document, self.seen = app, document, set()
        self.adapter = app.url_map.bind("localhost")

    def __call__(self, response, path: str, method: str = "GET"):
        rule, _args = self.adapter.match("/api/v1" + path.split("?")[0], method, return_rule=True)
        template = _template(rule.rule)
        operation = self.document["paths"][template][method.lower()]
        status = str(response.status_code)
        documented = operation["responses"].get(status) or operation["responses"].get("default")
        assert documented is not None, f"{method} {template}: status {status} is not documented"
        if "$ref" in documented:
            documented = self.document["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
        content = documented["content"]
        assert response.mimetype in content, f"{method} {template} {status}: {response.mimetype} not documented"
        if response.mimetype == "application/json":
            schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                      "components": self.document["components"], "allOf": [content[response.mimetype]["schema"]]}
            errors = sorted(Draft202012Validator(schema).iter_errors(response.get_json()), key=str)
            assert not errors, f"{method} {template} {status}: " + "; ".join(
                f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])
        for header in documented.get("headers", {}):
            assert header in response.headers, f"{method} {template} {status}: no {header} header"
        self.seen.add((template, method.lower(), status))
        return response


def test_real_responses_match_the_document(app, client, ids):
    document = client.get("/api/v1/openapi.json").get_json()
    check = Checker(app, document)
    api = Api(client, ids)

    def call(method, path, as_="teacher", scope="write", **kwargs):
        return check(api.open(method, path, as_=as_, scope=scope, **kwargs), path, method)

    call("GET", "/me")
    call("GET", "/me", as_=None)  # 401
    call("GET", "/questions?per_page=3&page=2")
    call("GET", "/questions?q=said&status=published")
    call("GET", "/questions?page=0")  # 400
    call("GET", "/questions", as_="learner")  # 403
    created = call("POST", "/questions", json={"type": "true_false", "stem": "The council met on Tuesday.",
                                               "answer": True}).get_json()
    qid = created["id"]
    call("GET", f"/questions/{qid}")
    call("GET", "/questions/999999")  # 404
    call("PUT", f"/questions/{qid}", json={**created["data"], "answer": False})
    call("PUT", f"/questions/{qid}", json={**created["data"], "type": "essay"})  # 422
    call("PUT", f"/questions/{qid}", data="{not json", content_type="application/json")  # 400
    call("POST", "/questions", scope="read", json={})  # 403
    call("POST", f"/questions/{qid}/retire")
    call("GET", "/quizzes")
    call("GET", "/quizzes", as_="learner")
    call("GET", f"/quizzes/{ids['slug_a']}")
    call("GET", f"/quizzes/{ids['slug_a']}", as_="learner")
    call("GET", f"/quizzes/{ids['slug_b']}", as_="learner")  # 404
    call("GET", "/classes")
    call("GET", "/classes", as_="learner")
    call("GET", f"/classes/{ids['class_a']}")
    call("GET", f"/classes/{ids['class_a']}", as_="learner")
    call("GET", f"/classes/{ids['class_a']}/scores")
    call("GET", f"/classes/{ids['class_a']}/export?format=csv")
    call("GET", f"/classes/{ids['class_a']}/export?format=json&kind=responses")
    call("GET", f"/classes/{ids['class_a']}/export?format=xlsx")  # 400
    call("GET", "/attempts", as_="learner")
    call("GET", f"/attempts/{ids['attempt']}", as_="learner")
    call("GET", "/imports")
    call("POST", "/imports", json={"text": ""})  # 400: the service's message
    call("POST", "/imports", json={"title": 5, "text": ARTICLE})  # 422
    job = call("POST", "/imports", json={"title": "A council votes", "text": ARTICLE}).get_json()
    deadline = time.monotonic() + 30
    while call("GET", f"/imports/{job['id']}").get_json()["state"] in ("pending", "running"):
        assert time.monotonic() < deadline, "the import never finished"
        time.sleep(0.05)
    call("GET", f"/imports/{job['id']}/drafts")
    call("GET", "/openapi.json", as_=None)
    operations = {(path, method) for path, item in document["paths"].items() for method in item
                  if method != "parameters"}
    succeeded = {(path, method) for path, method, status in check.seen if status.startswith("2")}
    assert operations == succeeded, f"not exercised: {sorted(operations - succeeded)}"
    errors = {status for _path, _method, status in check.seen if not status.startswith("2")}
    assert errors == {"400", "401", "403", "404", "422"}


def test_the_checker_refuses_a_field_the_document_does_not_name(app, client, ids):
    """The schemas are closed: a response with an undocumented field (or a wrong type) fails the check."""
    document = client.get("/api/v1/openapi.json").get_json()
    response = Api(client, ids).get("/me")
    body = response.get_json()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": document["components"],
              "$ref": "#/components/schemas/Me"}
    Draft202012Validator(schema).validate(body)
    assert not Draft202012Validator(schema).is_valid({**body, "token": {**body["token"], "secret": "x"}})
    assert not Draft202012Validator(schema).is_valid({**body, "user": {**body["user"], "id": "1"}})


def test_every_error_under_api_has_the_documented_shape(app, client, ids):
    """404, 405 and 413 come from the framework, not a view; they too follow the Error schema."""
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": document["components"],
              "$ref": "#/components/schemas/Error"}
    app.config["MAX_CONTENT_LENGTH"] = 1000
    headers = Api(client, ids).headers("teacher")
    for response, status in (
        (client.get("/api/v1/no-such-thing", headers=headers), 404),
        (client.delete("/api/v1/me", headers=headers), 405),
        (client.post("/api/v1/imports", headers=headers, data=json.dumps({"text": "x" * 2000}),
                     content_type="application/json"), 413),
    ):
        assert response.status_code == status
        assert response.mimetype == "application/json"
        Draft202012Validator(schema).validate(response.get_json())
        assert response.get_json()["error"]["status"] == status
