"""Test environment: no real AWS credentials, no metadata-service lookups.

Every test starts with all ``AWS_*`` variables removed, ``~/.aws`` files
pointed at paths that do not exist, the EC2 metadata service disabled (so
botocore's credential chain can never try the network) and
``AWS_REGION=us-east-1``. Tests that need credentials inject obviously fake
ones (see ``bedrock_cases.FAKE``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def clean_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for var in list(os.environ):
        if var.startswith("AWS_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    yield


try:  # property tests keep no example database in the working tree
    from hypothesis import settings as _hyp_settings

    _hyp_settings.register_profile("llmcore-bedrock", database=None)
    _hyp_settings.load_profile("llmcore-bedrock")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
