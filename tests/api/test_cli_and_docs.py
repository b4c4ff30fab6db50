"""The demo estate, the OpenAPI description and the front page."""


def test_seed_demo_loads_an_estate_every_role_can_walk(runner, client):
    first = runner.invoke(args=["seed-demo"])
    again = runner.invoke(args=["seed-demo"])

    assert first.exit_code == 0 and "inspector" in first.output
    assert again.exit_code == 0 and "already" in again.output
    logins = {}
    for username in ("admin", "office", "inspector", "fireco", "greenco"):
        response = client.post("/api/v1/auth/login", json={"username": username, "password": "demo-patrol", "device_name": "demo"})
        assert response.status_code == 200, username
        logins[username] = response.get_json()["token"]

    def pull(username):
        body = client.get("/api/v1/sync/pull?limit=1000", headers={"Authorization": f"Bearer {logins[username]}"}).get_json()
        return body["changes"]

    office_view = pull("office")
    kinds = {(r["type"], r["fields"].get("kind")) for r in office_view}
    assert {("area", "building"), ("area", "floor"), ("area", "unit"), ("area", "outdoor"), ("area", "room")} <= kinds
    categories = {r["fields"]["category"] for r in office_view if r["type"] == "template"}
    assert categories == {"cleaning", "greening", "fire", "decoration", "other"}
    statuses = {r["fields"]["status"] for r in office_view if r["type"] == "finding"}
    assert {"open", "assigned", "in_progress", "fixed", "closed"} <= statuses
    assert all(r["fields"]["names"]["zh"] for r in office_view if r["type"] == "template")
    fire_findings = [r for r in pull("fireco") if r["type"] == "finding"]
    green_findings = [r for r in pull("greenco") if r["type"] == "finding"]
    assert fire_findings and green_findings
    assert not {r["id"] for r in fire_findings} & {r["id"] for r in green_findings}
    photo = next(r for r in pull("fireco") if r["type"] == "photo")
    image = client.get(f"/api/v1/blobs/{photo['fields']['blob']}", headers={"Authorization": f"Bearer {logins['fireco']}"})
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    image.close()


def test_the_openapi_description_is_generated_from_the_schemas(client):
    spec = client.get("/api/v1/openapi.json").get_json()

    assert spec["openapi"].startswith("3.")
    assert {"/sync/push", "/sync/pull", "/auth/login", "/blobs/{sha256}", "/conflicts"} <= set(spec["paths"])
    mutation = spec["components"]["schemas"]["Mutation"]
    assert mutation["properties"]["mid"]["format"] == "uuid"
    assert set(mutation["required"]) == {"mid", "type", "id", "op", "edited_at"}
    assert "FindingFields" in spec["components"]["schemas"]


def test_responses_carry_security_headers_and_api_answers_are_not_cached(office):
    response = office.pull()

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_the_secret_key_is_generated_into_the_instance_folder(app, instance_path):
    secret = (instance_path / "secret_key").read_text()

    assert len(secret) == 64 and app.config["SECRET_KEY"] == secret
    assert (instance_path / "secret_key").stat().st_mode & 0o077 == 0


def test_the_readme_never_tells_anyone_to_serve_the_demo_on_every_address():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if "flask --app server run" in line or "flask --app server serve" in line or "gunicorn " in line]

    assert commands, "the README shows how to run the server"
    assert [line for line in commands if "0.0.0.0" in line or "--host" in line] == []
