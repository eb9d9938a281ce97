"""Fixtures: the bundled sample archive ingested once through Python and once through the
CLI, the model, and a runner for the CLI (the parity tests compare the two)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import clausal

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "samples" / "archive"


def cli_path() -> Path | None:
    env = os.environ.get("CLAUSAL_BIN")
    if env:
        return Path(env)
    built = ROOT / "target" / "release" / "clausal"
    return built if built.is_file() else None


class Cli:
    """Runs the `clausal` program and reads its --json lines."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.path), *args], capture_output=True, text=True, timeout=600
        )
        if check and done.returncode != 0:
            raise AssertionError(f"clausal {' '.join(args)} failed: {done.stderr}")
        return done

    def json_lines(self, *args: str) -> list[dict]:
        out = self.run(*args).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def cli() -> Cli:
    path = cli_path()
    if path is None or not path.is_file():
        if os.environ.get("CLAUSAL_REQUIRE_CLI"):
            raise AssertionError(f"no clausal program at {path}")
        pytest.skip("no clausal program built (cargo build --release -p clausal-cli, or set CLAUSAL_BIN)")
    return Cli(path)


@pytest.fixture(scope="session")
def model() -> clausal.Model:
    return clausal.Model()


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample archive (tests may add files to their own copies)."""
    dst = tmp_path_factory.mktemp("samples") / "archive"
    shutil.copytree(SAMPLES, dst)
    return dst


@pytest.fixture(scope="session")
def py_index(tmp_path_factory: pytest.TempPathFactory, model: clausal.Model, samples: Path):
    """The sample archive ingested through Python (shared: tests only read it)."""
    dir = tmp_path_factory.mktemp("py") / "index"
    index = clausal.Index.create(dir, model)
    report = index.ingest([samples], model)
    assert report.failed == [], report.failed
    return index


@pytest.fixture(scope="session")
def cli_index(tmp_path_factory: pytest.TempPathFactory, cli: Cli, samples: Path) -> Path:
    """The same archive ingested by the CLI."""
    dir = tmp_path_factory.mktemp("cli") / "index"
    cli.run("ingest", str(samples), "--index", str(dir))
    return dir


@pytest.fixture
def fresh_index(tmp_path: Path, model: clausal.Model, samples: Path):
    """An index of the sample archive a test may change."""
    index = clausal.Index.create(tmp_path / "index", model)
    index.ingest([samples], model)
    return index
