"""The GitHub Actions workflows, checked offline: valid against GitHub's schema, clean under
zizmor's security audits, CI running the README's test command, Pages publishing the book."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import book

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CI, PAGES = (yaml.safe_load((WORKFLOWS / name).read_text()) for name in ("ci.yml", "pages.yml"))
BIN = Path(sys.executable).parent


def steps(workflow, job):
    return workflow["jobs"][job]["steps"]


def uses(step, action):
    return step.get("uses", "").partition("@")[0] == action


@pytest.mark.parametrize("name", ["ci.yml", "pages.yml"])
def test_valid_against_githubs_workflow_schema(name):
    check = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                            WORKFLOWS / name], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_zizmor_finds_nothing():
    """Its default persona, without a configuration that could silence an audit. (The pedantic
    persona also asks for debian:trixie by digest, which would hold back its security updates.)"""
    audit = subprocess.run([BIN / "zizmor", "--offline", "--no-config", "--format", "json",
                            "--min-severity", "informational", WORKFLOWS],
                           capture_output=True, text=True)
    assert audit.returncode == 0 and json.loads(audit.stdout) == [], audit.stdout + audit.stderr


def test_ci_runs_ci_run_which_ends_in_make_test_and_keeps_the_browser_tests_artifacts():
    assert [s["run"] for s in steps(CI, "test") if "run" in s][-1] == "bash .ci/run"
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[-1] == "make test"
    upload, = [s for s in steps(CI, "test") if uses(s, "actions/upload-artifact")]
    assert upload["if"] == "failure()" and upload["with"]["path"] == "test-artifacts/"
    assert CI["jobs"]["test"]["container"]["image"] == PAGES["jobs"]["build"]["container"]["image"]


def test_pages_publishes_make_books_output_from_the_books_branch():
    assert PAGES[True]["push"]["branches"] == [yaml.safe_load(
        (ROOT / "_config.yml").read_text())["repository"]["branch"]]  # YAML 1.1 reads `on` as True
    build = steps(PAGES, "build")
    upload, = [i for i, s in enumerate(build) if uses(s, "actions/upload-pages-artifact")]
    assert [s.get("run") for s in build[:upload]][-1] == "make book"
    assert build[upload]["with"]["path"] == str((book.BUILD / "html").relative_to(ROOT))
    assert [uses(s, "actions/deploy-pages") for s in steps(PAGES, "deploy")] == [True]
    assert {job: spec.get("permissions") for job, spec in PAGES["jobs"].items()} == {
        "build": {"contents": "read"}, "deploy": {"pages": "write", "id-token": "write"}}
