"""The uv workspace (the root pyproject.toml) holds every package of the repository, and every
llmcore-* requirement resolves to the workspace's own package: never to the index, where a name
may belong to someone else (``llmcore`` does) or be a release older than the checkout."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent


def _load(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _packages() -> dict[str, Path]:
    """Distribution name → pyproject, for core, the kit and every plugin."""
    paths = [
        ROOT / "core" / "pyproject.toml",
        ROOT / "testing" / "pyproject.toml",
        *ROOT.glob("plugins/*/pyproject.toml"),
    ]
    return {_load(p)["project"]["name"]: p for p in paths}


def test_members_cover_every_package() -> None:
    members = _load(ROOT / "pyproject.toml")["tool"]["uv"]["workspace"]["members"]
    covered = {p for m in members for p in ROOT.glob(f"{m}/pyproject.toml")}
    assert covered == set(_packages().values())


def test_every_llmcore_requirement_is_a_workspace_source() -> None:
    sources = _load(ROOT / "pyproject.toml")["tool"]["uv"]["sources"]
    assert all(v == {"workspace": True} for v in sources.values()), sources
    packages = _packages()
    assert set(sources) == set(packages), set(sources) ^ set(packages)
    for name, path in packages.items():
        meta = _load(path)["project"]
        reqs = [
            *meta.get("dependencies", []),
            *(r for rs in meta.get("optional-dependencies", {}).values() for r in rs),
        ]
        for req in reqs:
            dist = re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0].strip().lower().replace("_", "-")
            if dist.startswith("llmcore"):
                assert dist in sources, f"{name} requires {dist}, which is not a workspace package"
