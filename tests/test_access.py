"""Every route's access, table-driven from the OpenAPI document: no credentials, each role, and
another user's resources; then what each user may see of others' conversations and assessments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pse_assistant.accounts.roles import Role
from pse_assistant.api.access import MINIMUM
from pse_assistant.api.app import create_api
from pse_assistant.assistant import Assistant, get_assistant
from pse_assistant.corpus.loader import Corpus
from tests.accounts_fixtures import ROLES, Site, make_site

# What every route is called with: other users' resources, so owner checks are exercised too.
# A JSON list is no route's body, so a caller who gets past the role check is stopped at 422
# before any work is done (an evaluation run, say) – what is asserted here is who gets past.
BODY: Any = []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, corpus: Corpus, fake_index: Path) -> Site:
    return make_site(tmp_path_factory.mktemp("access") / "data", corpus, fake_index)


@pytest.fixture
def others(site: Site) -> dict[str, str]:
    """Resources that belong to someone else: olga's conversation, tom's assessment (made anew
    for each test, since the walk over every route deletes them)."""
    client = site.client()
    asked = client.post(
        "/api/ask", json={"question": "what does 7.2.3 ask?"}, headers=site.headers("olga")
    )
    assert asked.status_code == 200, asked.text
    made = client.post(
        "/api/assessments",
        json={"name": "Q3 round", "organization": "City hall"},
        headers=site.headers("tom"),
    )
    assert made.status_code == 201, made.text
    return {
        "conversation_id": asked.json()["conversation_id"],
        "answer_id": asked.json()["id"],
        "assessment_id": made.json()["id"],
        "clause_id": "7.2.3",
        "clause": "7.2.3",
        "template_id": "complaint-log",
        "name": "heat-map.svg",
        "code": "not-a-real-invitation-code",
    }


def _operations(app: FastAPI) -> list[tuple[str, str]]:
    schema = app.openapi()
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "delete")
    )


def _call(client: TestClient, method: str, path: str, ids: dict[str, str], **kw: Any) -> int:
    url = path.format(**ids)
    body = {"json": BODY} if method in ("POST", "PUT") else {}
    return client.request(method, url, follow_redirects=False, **body, **kw).status_code


def test_the_table_names_every_route_of_the_openapi_document(site: Site) -> None:
    assert {f"{m} {p}" for m, p in _operations(site.app)} == set(MINIMUM)
    paths = site.app.openapi()["paths"]
    assert paths["/api/evals"]["post"]["x-minimum-role"] == "admin"
    assert paths["/api/health"]["get"]["x-minimum-role"] == "public"


def test_every_route_answers_each_caller_as_its_minimum_role_says(
    site: Site, others: dict[str, str]
) -> None:
    client = site.client()
    wrong: list[str] = []
    for method, path in _operations(site.app):
        needed = MINIMUM[f"{method} {path}"]
        status = _call(client, method, path, others)
        if needed is not None and status != 401:
            wrong.append(f"{method} {path} without credentials: {status}, not 401")
        for user, role in ROLES.items():
            status = _call(client, method, path, others, headers=site.headers(user))
            allowed = needed is None or role.covers(needed)
            if not allowed and status != 403:
                wrong.append(f"{method} {path} as {role}: {status}, not 403")
            if allowed and status in (401, 403):
                wrong.append(f"{method} {path} as {role}: {status}, but the role is enough")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("user", sorted(ROLES))
def test_another_users_conversation_is_not_found_for_every_role(
    site: Site, others: dict[str, str], user: str
) -> None:
    client, cid = site.client(), others["conversation_id"]
    headers = site.headers(user)
    assert client.get(f"/api/conversations/{cid}", headers=headers).status_code == 404
    assert client.delete(f"/api/conversations/{cid}", headers=headers).status_code == 404
    follow = {"question": "and the evidence?", "conversation_id": cid}
    assert client.post("/api/ask", json=follow, headers=headers).status_code == 404
    rating = {"answer_id": others["answer_id"], "rating": "up"}
    assert client.post("/api/feedback", json=rating, headers=headers).status_code == 404
    listed = client.get("/api/conversations", headers=headers).json()["items"]
    assert cid not in [c["id"] for c in listed]
    # still there for its owner
    mine = client.get(f"/api/conversations/{cid}", headers=site.headers("olga"))
    assert mine.status_code == 200 and mine.json()["turns"][0]["question"] == "what does 7.2.3 ask?"


def test_a_viewer_keeps_and_deletes_their_own_conversations(site: Site) -> None:
    client, headers = site.client(), site.headers("vera")
    cid = client.post("/api/ask", json={"question": "principle 5.2.4"}, headers=headers).json()[
        "conversation_id"
    ]
    assert [c["id"] for c in client.get("/api/conversations", headers=headers).json()["items"]] == [
        cid
    ]
    assert client.delete(f"/api/conversations/{cid}", headers=headers).status_code == 204
    assert client.get(f"/api/conversations/{cid}", headers=headers).status_code == 404


def test_trainers_read_the_feedback_viewers_give_on_their_own_answers(
    site: Site, others: dict[str, str]
) -> None:
    client = site.client()
    rating = {"answer_id": others["answer_id"], "rating": "down", "comment": "cite 7.2.1 too"}
    assert (
        client.post("/api/feedback", json=rating, headers=site.headers("olga")).status_code == 201
    )
    assert client.get("/api/feedback", headers=site.headers("vera")).status_code == 403
    read = client.get("/api/feedback?limit=200", headers=site.headers("tom")).json()["items"]
    assert {
        "answer_id": others["answer_id"],
        "rating": "down",
        "comment": "cite 7.2.1 too",
    }.items() <= read[-1].items()


def test_an_assessor_scores_only_as_themselves_where_invited(
    site: Site, others: dict[str, str]
) -> None:
    client, aid = site.client(), others["assessment_id"]
    asa = site.headers("asa")
    score = {"assessor": "Someone Else", "clause": "7.2.3", "score": 3}
    assert client.get(f"/api/assessments/{aid}", headers=asa).status_code == 404
    assert client.put(f"/api/assessments/{aid}/scores", json=score, headers=asa).status_code == 404
    assert aid not in [a["id"] for a in client.get("/api/assessments", headers=asa).json()["items"]]
    invited = client.post(f"/api/assessments/{aid}/invitations", headers=site.headers("tom"))
    assert invited.status_code == 201 and invited.json()["link"].startswith(f"/?assessment={aid}&")
    code = invited.json()["code"]
    assert client.post(f"/api/invitations/{code}", headers=asa).json()["id"] == aid
    # single use: nobody else can spend it
    assert client.post(f"/api/invitations/{code}", headers=site.headers("tom")).status_code == 404
    scored = client.put(f"/api/assessments/{aid}/scores", json=score, headers=asa)
    assert scored.status_code == 200 and scored.json()["assessor"] == "asa"
    assert aid in [a["id"] for a in client.get("/api/assessments", headers=asa).json()["items"]]
    result = client.get(f"/api/assessments/{aid}/result", headers=asa).json()
    assert "Someone Else" not in str(result) and "asa" in str(result)


def test_consensus_changes_are_in_the_audit_log_which_only_admins_read(
    site: Site, others: dict[str, str]
) -> None:
    client, aid = site.client(), others["assessment_id"]
    tom = site.headers("tom")
    assert client.post(f"/api/assessments/{aid}/invitations", headers=tom).status_code == 201
    client.put(
        f"/api/assessments/{aid}/scores", json={"clause": "7.1.1", "score": 2, "assessor": "x"},
        headers=tom,
    )  # fmt: skip
    agreed = client.put(
        f"/api/assessments/{aid}/consensus",
        json={"clause": "7.1.1", "score": 2, "reason": "evidence is thin"},
        headers=tom,
    )
    assert agreed.status_code == 200, agreed.text
    assert client.get("/api/audit", headers=tom).status_code == 403
    entries = client.get("/api/audit", headers=site.headers("ada")).json()["items"]
    consensus = [e for e in entries if e["action"] == "assessment.consensus"]
    assert consensus[0]["actor"] == "tom" and consensus[0]["role"] == "trainer"
    assert consensus[0]["target"] == aid and consensus[0]["detail"] == "7.1.1 = 2"
    assert consensus[0]["address"] == "testclient"
    assert {"assessment.create", "assessment.invite", "user.add", "token.create"} <= {
        e["action"] for e in entries
    }


def test_with_auth_off_no_route_asks_for_credentials(
    fake_indexed_assistant: Assistant, corpus: Corpus
) -> None:
    app = FastAPI()
    app.dependency_overrides[get_assistant] = lambda: fake_indexed_assistant
    create_api(app, fake_indexed_assistant.settings)
    client = TestClient(app, base_url="http://127.0.0.1")
    ids = {"conversation_id": "x", "assessment_id": "x", "clause_id": "7.2.3", "clause": "7.2.3",
           "template_id": "complaint-log", "name": "heat-map.svg", "code": "x"}  # fmt: skip
    statuses = {f"{m} {p}": _call(client, m, p, ids) for m, p in _operations(app)}
    assert not {k: v for k, v in statuses.items() if v in (401, 403)}
    me = client.get("/api/me").json()
    assert me == {"name": "local", "role": "admin", "via": "off", "auth": "off"}
    assert client.post("/api/login", json={"name": "a", "password": "b"}).status_code == 404


def test_the_role_table_only_names_known_roles() -> None:
    assert set(MINIMUM.values()) <= {None, *Role}


@pytest.mark.parametrize(
    ("route", "role"),
    [
        ("POST /api/ask", Role.VIEWER),
        ("GET /api/conversations", Role.VIEWER),
        ("POST /api/search", Role.VIEWER),
        ("PUT /api/assessments/{assessment_id}/scores", Role.ASSESSOR),
        ("POST /api/assessments", Role.TRAINER),
        ("POST /api/assessments/{assessment_id}/invitations", Role.TRAINER),
        ("PUT /api/assessments/{assessment_id}/consensus", Role.TRAINER),
        ("GET /api/feedback", Role.TRAINER),
        ("POST /api/workshops", Role.TRAINER),
        ("POST /api/evals", Role.ADMIN),
        ("GET /api/audit", Role.ADMIN),
        ("GET /api/health", None),
        ("POST /api/login", None),
    ],
)
def test_the_roles_follow_the_issue(route: str, role: Role | None) -> None:
    assert MINIMUM[route] == role
