"""HTTP and streaming toolkit shared by all providers."""

from __future__ import annotations

from .client import HTTPSettings, aclose_shared_clients, configure, make_client, shared_client
from .errors import error_for_status, map_transport_error, parse_retry_after, request_id_from
from .eventstream import (
    EventStreamDecoder,
    EventStreamMessage,
    aiter_eventstream,
    encode_eventstream_message,
    iter_eventstream,
)
from .ndjson import NDJSONDecoder, aiter_ndjson
from .sse import ServerSentEvent, SSEDecoder, aiter_sse, iter_sse

__all__ = [
    "HTTPSettings",
    "aclose_shared_clients",
    "configure",
    "make_client",
    "shared_client",
    "error_for_status",
    "map_transport_error",
    "parse_retry_after",
    "request_id_from",
    "NDJSONDecoder",
    "aiter_ndjson",
    "ServerSentEvent",
    "SSEDecoder",
    "aiter_sse",
    "iter_sse",
    "EventStreamDecoder",
    "EventStreamMessage",
    "aiter_eventstream",
    "encode_eventstream_message",
    "iter_eventstream",
]
