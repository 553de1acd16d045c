"""Usage accounting of batch results: each answered request of a batch is a
completed call, counted like a live one (``m.usage``, the ``llmcore_usage``
hook, the usage log) with ``batch=True`` and priced at the batch rates where
the price data has them (``batch_input``/``batch_output``; else the live rates).

* :func:`llmcore.batch` counts on the model it was given (its totals, its
  ``prices=`` override and key id); latency is submit → results.
* :func:`llmcore.batch_retrieve` (maybe in another process, with no model)
  logs and hooks each result under the provider and the model the response
  names (``latency`` unknown). A batch is counted once per process: a second
  retrieval of the same id, or a retrieval after :func:`llmcore.batch`
  counted it, adds nothing. Retrieving it in several processes counts it in
  each.

Failed requests (typed errors in the results) are not counted.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import LLMCoreError

if TYPE_CHECKING:
    from ..spec import ProviderSpec
    from ..types import ChatResponse

__all__ = ["count_results"]

_counted: set[str] = set()
_counted_lock = threading.Lock()


def _first_time(batch_id: str) -> bool:
    with _counted_lock:
        if batch_id in _counted:
            return False
        _counted.add(batch_id)
        return True


def count_results(
    batch_id: str,
    results: Sequence[ChatResponse | LLMCoreError],
    *,
    spec: ProviderSpec | None,
    model: Any = None,
    started: float | None = None,
) -> None:
    """Count the answered requests of ``batch_id`` (see the module docstring).
    ``model``: the :class:`~llmcore.facade.Model` that submitted them, if
    known; ``started``: ``time.perf_counter()`` at submit. Never raises."""
    if spec is None or not _first_time(batch_id):
        return
    import time

    from ..usage import make_record, record

    for r in results:
        if isinstance(r, LLMCoreError) or r is None:
            continue
        try:
            if model is not None:
                rec = make_record(
                    spec,
                    model.model_id,
                    r,
                    started=started or time.perf_counter(),
                    stream=False,
                    key_id=model.key_id,
                    price=model.price,
                    batch=True,
                )
                record(rec, model.usage)
            else:
                rec = make_record(spec, r.model or "unknown", r, started=time.perf_counter(), stream=False, batch=True)
                record(dataclasses.replace(rec, latency=None))
        except Exception as e:  # accounting never fails a batch that succeeded
            import logging

            logging.getLogger("llmcore.usage").warning(
                "batch %s: a result could not be counted (%s: %s)", batch_id, type(e).__name__, e
            )
