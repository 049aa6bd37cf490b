"""The deployment files an operator reads: docker-compose.yml (validated by Debian's
docker-compose CLI, no daemon), .env.example, the Dockerfile and the lock files."""

from __future__ import annotations

import re
import tomllib

from tests.deploy.compose import REPO, docker_compose, env_example, resolved

LOCK = REPO / "requirements.lock"
TEST_LOCK = REPO / "requirements-test.lock"


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def pins(path) -> dict[str, str]:
    return {norm(m.group(1)): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", path.read_text(), re.M)}


def test_docker_compose_config_is_valid():
    proc = docker_compose("config", "-q")
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def test_the_password_must_be_set(tmp_path):
    import os
    import subprocess
    (tmp_path / "empty.env").write_text("")
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"}
    proc = subprocess.run(["docker-compose", "-f", str(REPO / "docker-compose.yml"),
                           "--env-file", str(tmp_path / "empty.env"), "config", "-q"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode != 0 and "set POSTGRES_PASSWORD in .env" in proc.stderr


def test_every_service_has_a_health_check_and_the_apps_run_unprivileged():
    services = resolved()["services"]
    assert set(services) == {"elasticsearch", "postgres", "redis", "web", "worker"}
    for name, svc in services.items():
        assert svc.get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in ("web", "worker"):
        assert services[name]["user"] == "pantau"
    assert "pgdata" in " ".join(str(v) for v in services["postgres"]["volumes"])
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_web_and_worker_use_the_same_catalogue_search_engine_and_limits():
    services = resolved()["services"]
    web, worker = services["web"]["environment"], services["worker"]["environment"]
    for key in ("PANTAU_DATABASE_URL", "PANTAU_SEARCH_ENGINE", "PANTAU_SEARCH_URL",
                "PANTAU_SEARCH_INDEX_PREFIX", "PANTAU_DATA_DIR", "PANTAU_RATE_LIMIT_STORAGE"):
        assert web[key] == worker[key], key
    assert web["PANTAU_SEARCH_ENGINE"] == "elasticsearch"
    assert web["PANTAU_SEARCH_URL"] == "http://elasticsearch:9200"
    assert web["PANTAU_DATABASE_URL"].startswith("postgresql+psycopg://pantau:")
    assert env_example()["POSTGRES_PASSWORD"] in web["PANTAU_DATABASE_URL"]
    assert web["PANTAU_RATE_LIMIT_STORAGE"].startswith("redis://redis:")
    assert web["PANTAU_WEB_WORKERS"] == env_example()["PANTAU_WEB_WORKERS"]
    assert services["web"]["command"][-1].endswith("pantau serve")
    assert services["worker"]["command"] == ["pantau", "worker"]


def test_elasticsearch_server_and_client_share_a_major_version():
    image = resolved()["services"]["elasticsearch"]["image"]
    server = re.search(r":(\d+)\.(\d+)\.(\d+)$", image)
    client = pins(LOCK)["elasticsearch"].split(".")
    assert server and server.group(1) == client[0]
    assert int(server.group(2)) >= int(client[1])  # Elastic: client minor <= server minor
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(d for d in deps if d.startswith("elasticsearch"))
    assert f"<{int(server.group(1)) + 1}" in spec  # a fresh resolve cannot jump to the next major
    # pg_dump in the image (Debian bookworm: 15) must not be older than the server
    assert resolved()["services"]["postgres"]["image"].startswith("postgres:15")


def test_the_image_is_multi_stage_unprivileged_and_installs_the_runtime_lock_only():
    text = (REPO / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert len(stages) >= 2
    final = text[text.rindex("\nFROM "):]
    assert re.search(r"^USER\s+pantau\s*$", final, re.M)
    assert "--require-hashes -r /src/requirements.lock" in text
    assert "requirements-test.lock" not in text and ".[test]" not in text
    assert "--no-deps" in text  # Pantau itself adds no unlocked package
    for package in ("katalog", "pantau_cli", "pantau", "nlp", "crawler", "indices", "webapp"):
        assert f"COPY {package} {package}" in text  # every floor is in the image


def test_the_runtime_lock_has_no_test_packages_and_the_test_lock_agrees_with_it():
    runtime, test = pins(LOCK), pins(TEST_LOCK)
    extra = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    test_extra = {norm(re.split(r"[<>=\[ ;]", d)[0]) for d in extra["test"]}
    assert test_extra <= set(test)
    test_only = {"pytest", "pytest-timeout", "playwright", "hypothesis", "schemathesis",
                 "import-linter"}
    assert test_only <= test_extra and not test_only & set(runtime)
    assert {k: test[k] for k in runtime} == runtime  # one version of each package everywhere
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for dep in deps:  # every declared dependency is locked
        name = norm(re.split(r"[<>=\[ ;]", dep)[0])
        assert name in runtime, name


def test_make_installs_from_the_lock():
    makefile = (REPO / "Makefile").read_text()
    assert "--require-hashes -r requirements-test.lock" in makefile
    assert "--no-deps" in makefile
    assert "pip install --quiet -e '.[test]'" not in makefile
