"""The deployment files: the compose file names its three services with health checks and volumes,
and every PSE_ setting the deployment documents or sets exists, so the docs cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pse_assistant.core.settings import Settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
SETTING = re.compile(r"\bPSE_[A-Z0-9_]+\b")


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _named(text: str) -> set[str]:
    return set(SETTING.findall(text))


def _field(variable: str) -> str:
    return variable.removeprefix("PSE_").lower()


def test_compose_runs_the_app_chroma_and_postgresql_with_health_checks_and_volumes() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"app", "chroma", "db"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], f"{name} has no health check"
        assert service.get("volumes"), f"{name} keeps nothing on a volume"
        for volume in service["volumes"]:
            assert volume.split(":")[0] in compose["volumes"], f"{name}: {volume} is not named"
    assert services["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "chroma": {"condition": "service_healthy"},
    }
    env = services["app"]["environment"]
    assert env["PSE_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@db:5432/" in env["PSE_DATABASE_URL"]
    assert env["PSE_CHROMA_URL"] == "http://chroma:8000"
    assert "--port" in services["chroma"]["command"] and "8000" in services["chroma"]["command"]
    assert all(p.startswith("127.0.0.1:") for p in services["app"]["ports"])


def test_the_image_installs_the_pinned_cpu_torch() -> None:
    """The Dockerfile installs torch through constraints.txt, so its version is the pinned one."""
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"-c constraints\.txt torch\b", dockerfile)
    assert "whl/cpu" in dockerfile
    pins = (DEPLOY.parent / "constraints.txt").read_text(encoding="utf-8")
    assert re.search(r"^torch==[\d.]+$", pins, re.MULTILINE)


def test_every_setting_the_deployment_names_exists() -> None:
    files = [
        DEPLOY / "README.md",
        DEPLOY / "compose.yaml",
        DEPLOY / "Dockerfile",
        *sorted((DEPLOY / "systemd").glob("*.service")),
    ]
    fields = set(Settings.model_fields)
    for path in files:
        named = _named(path.read_text(encoding="utf-8"))
        unknown = sorted(v for v in named if _field(v) not in fields)
        assert not unknown, f"{path.name} names settings that do not exist: {unknown}"


def test_the_settings_table_lists_what_a_deployment_must_set() -> None:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    rows = {
        m
        for line in readme.splitlines()
        if line.startswith("| `PSE_")
        for m in SETTING.findall(line.split("|")[1])
    }
    must = {
        "PSE_DATABASE_URL",
        "PSE_CHROMA_URL",
        "PSE_AUTH",
        "PSE_SESSION_SECRET",
        "PSE_ALLOWED_HOSTS",
        "PSE_DATA_DIR",
        "PSE_COLLECTION_PREFIX",
    }
    assert must <= rows, sorted(must - rows)
    assert _named(str(_compose()["services"]["app"]["environment"])) <= rows
