"""Google Cloud credentials for Vertex AI (google-auth, imported here only when a model is used).

Where the credentials come from, first match wins:

1. ``credentials=`` option: any ``google.auth.credentials.Credentials`` object
   (user, service account, impersonated, workload identity, or
   ``google.oauth2.credentials.Credentials(token=...)`` in tests);
2. ``access_token=`` option: a ready OAuth2 access token (not refreshed);
3. ``service_account_file=`` option: a service-account JSON key file;
4. Application Default Credentials (``google.auth.default``):
   ``GOOGLE_APPLICATION_CREDENTIALS``, ``gcloud auth application-default login``,
   or the metadata server on Google Cloud.

Nothing found is a :class:`ConfigurationError` naming what to set. Tokens are
refreshed by google-auth when they are missing or about to expire (in a worker
thread: google-auth is synchronous), one refresh at a time; every token in use
is registered with :func:`llmcore.errors.register_secret`, so it is redacted from
every error message, and it is never part of a repr.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any

from llmcore.errors import AuthenticationError, ConfigurationError, ProviderConnectionError, register_secret

__all__ = ["NO_CREDENTIALS", "SCOPES", "TokenSource", "resolve_credentials"]

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
NO_CREDENTIALS = (
    "no Google Cloud credentials for vertexai: set GOOGLE_APPLICATION_CREDENTIALS to a service-account "
    "JSON file, run `gcloud auth application-default login`, or pass credentials=..., "
    "service_account_file=... or access_token=..."
)


def _require_google_auth(provider: str) -> None:
    try:
        import google.auth  # noqa: F401
    except ImportError:
        raise ConfigurationError(
            "vertexai needs google-auth: pip install 'google-auth[requests]'", provider=provider
        ) from None


def resolve_credentials(options: Mapping[str, Any], provider: str) -> tuple[Any, str | None]:
    """``(credentials, project the credentials name or None)`` from the options or ADC."""
    creds = options.get("credentials")
    if creds is not None:
        if not (hasattr(creds, "refresh") and hasattr(creds, "apply") and hasattr(creds, "valid")):
            raise ConfigurationError(
                "option credentials must be a google.auth credentials object "
                "(e.g. google.oauth2.credentials.Credentials)",
                provider=provider,
            )
        return creds, getattr(creds, "project_id", None) or None
    _require_google_auth(provider)
    token = options.get("access_token")
    if token:
        from google.oauth2.credentials import Credentials

        return Credentials(token=str(token)), None
    path = options.get("service_account_file")
    if path:
        from google.oauth2 import service_account

        try:
            sa = service_account.Credentials.from_service_account_file(str(path), scopes=list(SCOPES))
        except (OSError, ValueError) as e:
            raise ConfigurationError(
                f"cannot read the service-account file {str(path)!r} ({type(e).__name__})", provider=provider
            ) from None
        return sa, getattr(sa, "project_id", None) or None
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        found, project = google.auth.default(scopes=list(SCOPES))
    except DefaultCredentialsError:
        raise ConfigurationError(NO_CREDENTIALS, provider=provider) from None
    return found, project or None


class TokenSource:
    """Bearer headers from google-auth credentials, refreshed when needed."""

    __slots__ = ("_creds", "_lock", "_provider")

    def __init__(self, credentials: Any, provider: str) -> None:
        self._creds = credentials
        self._lock = threading.Lock()
        self._provider = provider

    def __repr__(self) -> str:
        return f"TokenSource({type(self._creds).__name__})"

    async def ensure(self) -> None:
        """Make sure the credentials hold a valid token (refreshing if needed)."""
        if not self._creds.valid:
            await asyncio.to_thread(self._refresh)
        register_secret(self._creds.token)

    def _refresh(self) -> None:
        with self._lock:
            if self._creds.valid:  # another request refreshed it meanwhile
                return
            from google.auth import exceptions as gexc
            from google.auth.transport.requests import Request

            try:
                self._creds.refresh(Request())
            except gexc.RefreshError as e:
                raise AuthenticationError(
                    f"Google credentials could not be refreshed: {e}", provider=self._provider
                ) from None
            except gexc.TransportError as e:
                raise ProviderConnectionError(
                    f"could not reach Google's token endpoint: {e}", provider=self._provider
                ) from None
            register_secret(self._creds.token)

    def apply(self, headers: dict[str, str]) -> None:
        """Add ``authorization: Bearer …`` (and ``x-goog-user-project`` when the
        credentials name a quota project) to ``headers``."""
        self._creds.apply(headers)
