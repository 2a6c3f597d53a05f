"""The example pipelines for a self-hosted GitLab (.gitlab-ci.yml) and Gitea/Forgejo (.gitea/workflows/):
valid YAML of the expected shape, calling only make targets the Makefile has, testing merge requests and
deploying only from the default branch, and documenting every variable the IT officer has to set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cchc.deploy.run import ENV

ROOT = Path(__file__).resolve().parent.parent
GITLAB = ROOT / ".gitlab-ci.yml"
GITEA = ROOT / ".gitea" / "workflows" / "xuat-ban.yml"
# Set by the CI systems themselves, or by the scripts for their own use.
PROVIDED = re.compile(r"^(CI_|GITHUB_|GITEA_|RUNNER_)|^(HOME|PATH|KIND|BASE|HEAD|BEFORE|AFTER|EVENT|DEBIAN_FRONTEND)$")
# What the scripts hand to `make deploy` themselves, from the variables documented.
DERIVED = {ENV["ssh_key"], ENV["known_hosts"]}


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {m for line in text.splitlines() for m in re.findall(r"^([a-z][\w.-]*)\s*:(?!=)", line)}


def _scripts(node) -> list[str]:
    """Every shell text in a pipeline: GitLab's script lines, Gitea's run steps."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("script", "before_script", "after_script") and isinstance(value, list):
                found += [str(v) for v in value]
            elif key == "run" and isinstance(value, str):
                found.append(value)
            else:
                found += _scripts(value)
    elif isinstance(node, list):
        for item in node:
            found += _scripts(item)
    return found


def _comments(path: Path) -> str:  # the header, where the IT officer reads what to set
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#"))


def _variables(path: Path, data) -> set[str]:
    """Variables the pipeline reads: $NAME in its scripts, and Gitea's vars.NAME / secrets.NAME."""
    text = "\n".join(_scripts(data))
    names = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", text))
    names |= set(re.findall(r"\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)", path.read_text(encoding="utf-8")))
    assigned = set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", text))  # set by the script itself
    return {n for n in names if not PROVIDED.search(n) and n not in assigned - {"CCHC_DEPLOY_SSH_KEY"}} - DERIVED


@pytest.mark.parametrize("path", [GITLAB, GITEA], ids=["gitlab", "gitea"])
def test_pipelines_call_existing_make_targets_and_document_their_variables(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scripts = "\n".join(_scripts(data))
    called = set(re.findall(r"\bmake\s+([a-z][\w-]*)", scripts))
    assert called == {"check", "build", "verify-fast", "deploy"}
    assert called <= _makefile_targets()
    assert "bash .ci/run" in scripts  # make test, with what a fresh machine lacks
    documented = set(re.findall(r"^\s*#\s+([A-Z][A-Z0-9_]+)\s", _comments(path), re.M))
    for name in _variables(path, data):
        assert name in documented, f"{path.name}: {name} is used but not explained in the header"
    settings = {ENV[name] for name in ("kind", "target", "ssh_port", "endpoint", "bucket", "prefix", "region")}
    assert settings | {"SSH_PRIVATE_KEY", "SSH_KNOWN_HOSTS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= documented
    for name in set(re.findall(r"\bCCHC_DEPLOY_[A-Z_]+", path.read_text(encoding="utf-8"))):
        assert name in ENV.values(), f"{path.name}: {name} is not a setting python -m cchc deploy reads"


def test_gitlab_tests_merge_requests_and_deploys_only_the_default_branch():
    data = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert data["stages"] == ["kiem-thu", "xuat-ban"]
    test, deploy = data["kiem-thu"], data["xuat-ban"]
    assert (test["stage"], deploy["stage"]) == ("kiem-thu", "xuat-ban")
    assert any(r["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"' for r in test["rules"])
    assert all("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in r["if"] and "merge_request" not in r["if"]
               for r in deploy["rules"])
    assert deploy["needs"] == [{"job": "kiem-thu", "optional": True}] and deploy["resource_group"]
    script = "\n".join(deploy["script"])
    assert script.index("cchc.site.schedule") < script.index("make check") < script.index("make deploy")
    assert "base64 -d" in script and "chmod 600" in script  # a masked variable is one line of base64
    fast = "\n".join(test["script"])
    assert "python3 -m checks.changed" in fast and fast.index("make build") < fast.index("make verify-fast")


def test_gitea_tests_pull_requests_and_deploys_only_main():
    data = yaml.safe_load(GITEA.read_text(encoding="utf-8"))
    triggers = data[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert triggers["push"] == {"branches": ["main"]} and triggers["schedule"] == [{"cron": "2 * * * *"}]
    test, deploy = data["jobs"]["kiem-thu"], data["jobs"]["xuat-ban"]
    assert test["if"] == "github.event_name == 'pull_request'"
    assert "github.event_name != 'pull_request'" in deploy["if"] and "refs/heads/main" in deploy["if"]
    steps = {step.get("name", step.get("uses")): step for step in deploy["steps"]}
    last = deploy["steps"][-1]
    assert last["name"] == "make deploy" and last["run"].rstrip().endswith("make deploy")
    assert last["env"]["SSH_PRIVATE_KEY"] == "${{ secrets.SSH_PRIVATE_KEY }}"
    assert last["env"]["AWS_SECRET_ACCESS_KEY"] == "${{ secrets.AWS_SECRET_ACCESS_KEY }}"
    assert "schedule" in steps["Kiểm thử (lần chạy theo lịch đăng lại commit đã qua kiểm thử)"]["if"]
    # Values from the event reach the shell through env, never pasted into the script's text.
    for job in data["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step.get("name")


def test_the_github_workflows_are_still_the_ones_github_runs():
    assert (ROOT / ".github/workflows/publish.yml").is_file() and (ROOT / ".github/workflows/test.yml").is_file()
    assert sorted(p.name for p in (ROOT / ".gitea/workflows").iterdir()) == ["xuat-ban.yml"]
