"""Credentials, region and request signing for Bedrock.

Two schemes:

* **Bedrock API key** — ``Authorization: Bearer <key>``; the key comes from
  ``api_key=...`` or ``AWS_BEARER_TOKEN_BEDROCK``.
* **SigV4** (service ``bedrock``), signed with botocore's ``SigV4Auth`` over
  exactly the method, URL, headers and body bytes that are sent. Credentials
  come from the options ``aws_access_key_id`` / ``aws_secret_access_key``
  (/ ``aws_session_token``), else the ``profile`` option, else botocore's
  standard chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/
  ``AWS_SESSION_TOKEN``, ``AWS_PROFILE`` and ``~/.aws``, SSO, web identity,
  container and instance metadata).

Order of precedence: ``api_key`` > static key options > ``profile`` option >
``AWS_BEARER_TOKEN_BEDROCK`` > the standard chain (as boto3 does, a bearer
token in the environment wins over the chain). No credentials at all is a
:class:`~llmcore.errors.ConfigurationError` naming what to set.

Region: the ``region`` option, else ``AWS_REGION``, else
``AWS_DEFAULT_REGION``, else the profile's configured region, else the region
in a ``bedrock-runtime.<region>.amazonaws.com`` base URL.

Every secret (key, secret key, session token) is registered with
:func:`llmcore.errors.register_secret`, so it is redacted from any error text;
botocore's debug lines that dump the canonical request and signature are
filtered out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from llmcore.errors import ConfigurationError, register_secret

if TYPE_CHECKING:
    import httpx
    from llmcore.provider import OutgoingRequest

__all__ = ["BearerAuth", "SigV4Signer", "NO_CREDENTIALS", "resolve_auth", "resolve_region"]

SERVICE = "bedrock"
NO_CREDENTIALS = (
    "no AWS credentials for bedrock: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE "
    "(a profile in ~/.aws), or AWS_BEARER_TOKEN_BEDROCK (a Bedrock API key); or pass api_key=... or "
    "options aws_access_key_id/aws_secret_access_key"
)
_HOST_REGION = re.compile(r"bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com", re.IGNORECASE)


class _DropSigningDumps(logging.Filter):
    """botocore logs the canonical request (with any session token) and the
    signature at DEBUG; such lines must never reach a log."""

    _PREFIXES = ("CanonicalRequest", "StringToSign", "Signature")

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(self._PREFIXES))


_FILTER_INSTALLED = False


def _install_log_filter() -> None:
    global _FILTER_INSTALLED
    if not _FILTER_INSTALLED:
        logging.getLogger("botocore.auth").addFilter(_DropSigningDumps())
        _FILTER_INSTALLED = True


class BearerAuth:
    """``Authorization: Bearer <Bedrock API key>``."""

    scheme = "bearer"

    def __init__(self, token: str) -> None:
        register_secret(token)
        self._token = token

    async def prepare(self) -> None:
        """Nothing to refresh."""

    def apply(self, request: OutgoingRequest | httpx.Request) -> None:
        """Add the bearer header to ``request``."""
        request.headers["authorization"] = f"Bearer {self._token}"

    def __repr__(self) -> str:
        return "BearerAuth(token='***')"


class SigV4Signer:
    """Signs requests with SigV4 for ``bedrock`` in ``region``.

    ``credentials`` is a botocore credentials object (static or refreshable);
    :meth:`prepare` refreshes expiring credentials off the event loop, so
    :meth:`apply` (called while building the request) never blocks on I/O.
    """

    scheme = "sigv4"

    def __init__(self, credentials: Any, region: str) -> None:
        _install_log_filter()
        self._credentials = credentials
        self.region = region
        self._register()

    def _register(self) -> Any:
        frozen = self._credentials.get_frozen_credentials()
        register_secret(frozen.secret_key)
        register_secret(frozen.token)
        return frozen

    async def prepare(self) -> None:
        """Refresh credentials that are about to expire, in a worker thread."""
        needed = getattr(self._credentials, "refresh_needed", None)
        if needed is not None and needed():
            await asyncio.to_thread(self._register)

    def apply(self, request: OutgoingRequest | httpx.Request) -> None:
        """Sign ``request`` as it will be sent: method, URL (path kept
        percent-encoded as sent), ``content-type``, ``x-amz-*`` headers and
        the body bytes. Adds ``Authorization``, ``X-Amz-Date`` and, for
        temporary credentials, ``X-Amz-Security-Token``."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        frozen = self._register()
        to_sign = {
            k: v for k, v in request.headers.items() if k.lower() == "content-type" or k.lower().startswith("x-amz-")
        }
        aws = AWSRequest(method=request.method, url=str(request.url), headers=to_sign, data=request.content)
        SigV4Auth(frozen, SERVICE, self.region).add_auth(aws)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            value = aws.headers.get(name)
            if value is not None:
                request.headers[name] = value

    def __repr__(self) -> str:
        return f"SigV4Signer(region={self.region!r})"


def _opt_str(options: Mapping[str, Any], name: str) -> str | None:
    v = options.get(name)
    if v is None:
        return None
    if not isinstance(v, str) or not v:
        raise ConfigurationError(f"option {name} must be a non-empty string", provider="bedrock")
    return v


def resolve_region(options: Mapping[str, Any], base_url: str | None, session: Any = None) -> str | None:
    """The region to call and sign for (``None`` if nothing says)."""
    region = _opt_str(options, "region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        return region
    if session is not None:
        try:
            configured = session.get_config_variable("region")
        except Exception:  # a broken config file: fall through to the URL
            configured = None
        if configured:
            return str(configured)
    if base_url:
        m = _HOST_REGION.search(base_url)
        if m:
            return m.group(1).lower()
    return None


def _session(profile: str | None) -> Any:
    import botocore.exceptions
    import botocore.session

    try:
        return botocore.session.Session(profile=profile)
    except botocore.exceptions.ProfileNotFound:
        raise ConfigurationError(f"AWS profile {profile!r} not found in ~/.aws", provider="bedrock") from None


def resolve_auth(
    api_key: str | None, options: Mapping[str, Any], base_url: str | None
) -> tuple[BearerAuth | SigV4Signer, str | None]:
    """``(auth, region)`` by the precedence described in the module docstring.
    Raises :class:`ConfigurationError` when there are no credentials, or when
    SigV4 is used and no region is known."""
    if api_key:
        return BearerAuth(api_key), resolve_region(options, base_url)
    akid = _opt_str(options, "aws_access_key_id")
    secret = _opt_str(options, "aws_secret_access_key")
    token = _opt_str(options, "aws_session_token")
    profile = _opt_str(options, "profile")
    if akid or secret or token:
        if not (akid and secret):
            raise ConfigurationError(
                "options aws_access_key_id and aws_secret_access_key must be given together", provider="bedrock"
            )
        register_secret(secret)
        register_secret(token)
        from botocore.credentials import Credentials

        static = SigV4Signer(Credentials(akid, secret, token), _need_region(options, base_url, None))
        return static, static.region
    if profile is None:
        bearer = os.environ.get("AWS_BEARER_TOKEN_BEDROCK")
        if bearer:
            return BearerAuth(bearer), resolve_region(options, base_url)
    session = _session(profile)
    import botocore.exceptions

    try:
        creds = session.get_credentials()
    except botocore.exceptions.BotoCoreError as e:
        raise ConfigurationError(f"AWS credentials could not be loaded: {e}", provider="bedrock") from None
    if creds is None:
        raise ConfigurationError(NO_CREDENTIALS, provider="bedrock")
    signer = SigV4Signer(creds, _need_region(options, base_url, session))
    return signer, signer.region


def _need_region(options: Mapping[str, Any], base_url: str | None, session: Any) -> str:
    region = resolve_region(options, base_url, session)
    if not region:
        raise ConfigurationError(
            "no AWS region for bedrock: set AWS_REGION (or AWS_DEFAULT_REGION) or pass options region=...",
            provider="bedrock",
        )
    return region
