"""Perplexity's ``search_results`` / ``citations`` → whole-answer :class:`~llmcore.types.Citation` s.

Every Perplexity answer is grounded in a web search; the response carries the sources
at the top level: ``search_results`` (``title``, ``url``, ``date``, ``last_updated``,
``snippet``, ``source``) and, older and still sent, ``citations`` (their URLs). The
answer's text cites them with ``[1]``-style markers (1-based positions in that list),
which stay in the text as sent: Perplexity gives no spans.

Each search result becomes a citation of the whole answer (``attach=False`` in a
stream, on no text part): ``kind="search_result"``, ``url``, ``title``,
``source_index`` = its position (0-based: marker ``[n]`` is ``source_index == n - 1``),
``data`` = the search result whole. An answer with ``citations`` but no
``search_results`` gives ``kind="citation"`` with the URL only (``data`` = the URL).
Both lists also stay in ``provider_metadata["perplexity"]`` as documented.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmcore.types import Citation

__all__ = ["PROVIDER", "search_citations"]

PROVIDER = "perplexity"


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def search_citations(metadata: Mapping[str, Any] | None) -> list[Citation]:
    """The citations of an answer whose ``provider_metadata["perplexity"]`` is ``metadata``."""
    if not isinstance(metadata, Mapping):
        return []
    results = metadata.get("search_results")
    if isinstance(results, list) and results:
        return [
            Citation(
                kind="search_result",
                url=_str(r.get("url")),
                title=_str(r.get("title")),
                source_index=i,
                provider=PROVIDER,
                data=dict(r),
            )
            for i, r in enumerate(results)
            if isinstance(r, Mapping)
        ]
    urls = metadata.get("citations")
    if isinstance(urls, list):
        return [
            Citation(kind="citation", url=u, source_index=i, provider=PROVIDER, data=u)
            for i, u in enumerate(urls)
            if isinstance(u, str) and u
        ]
    return []
