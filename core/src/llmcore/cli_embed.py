"""``llmcore embed`` and ``llmcore rerank`` (loaded on first use, like ``llmcore usage``)."""

from __future__ import annotations

import json
import sys

import click

from .cli import _options, _run_guarded

__all__ = ["embed_command", "rerank_command"]


@click.command("embed")
@click.option(
    "-m",
    "--model",
    "model_name",
    default=None,
    help="provider/model, e.g. openai/text-embedding-3-small (default: $LLMCORE_DEFAULT_EMBEDDING_MODEL, "
    "the config file's default_embedding_model, or a local one such as wordllama/l2_supercat)",
)
@click.option(
    "-o",
    "--option",
    "opts",
    multiple=True,
    help="key=value: dimensions, input_type, truncate, embedding_type, or a connection option (repeatable).",
)
@click.option("--usage", "show_usage", is_flag=True, help="Print token usage and cost to stderr.")
@click.argument("texts", nargs=-1)
@click.pass_context
def embed_command(
    ctx: click.Context, model_name: str | None, opts: tuple[str, ...], show_usage: bool, texts: tuple[str, ...]
) -> None:
    """Embed TEXTS (or each line of stdin) and print one JSON line per text:
    ``{"index": i, "embedding": [...]}``, in input order."""

    def go() -> None:
        from .embedding_facade import EmbeddingModel
        from .errors import ConfigurationError

        items = list(texts)
        if not items:
            if sys.stdin.isatty():
                raise ConfigurationError("no text: give texts as arguments or pipe lines on stdin")
            items = [line.rstrip("\n") for line in sys.stdin if line.strip()]
        name = model_name
        if name is None:
            from .defaults import default_embedding_model

            name = default_embedding_model()
        r = EmbeddingModel(name, **_options(opts)).embed(items)
        out = sys.stdout
        for i, v in enumerate(r.vectors):
            out.write(json.dumps({"index": i, "embedding": v}, separators=(",", ":")) + "\n")
        if show_usage:
            click.echo(f"usage: input={r.usage.input_tokens} dimensions={r.dimensions} cost={r.cost}", err=True)

    _run_guarded(ctx, go)


@click.command("rerank")
@click.option("-m", "--model", "model_name", required=True, help="provider/model, e.g. cohere/rerank-v3.5")
@click.option("-n", "--top-n", type=int, default=None, help="Keep the best N documents.")
@click.option("-o", "--option", "opts", multiple=True, help="key=value connection option (repeatable).")
@click.argument("query")
@click.argument("documents", nargs=-1, required=True)
@click.pass_context
def rerank_command(
    ctx: click.Context,
    model_name: str,
    top_n: int | None,
    opts: tuple[str, ...],
    query: str,
    documents: tuple[str, ...],
) -> None:
    """Rank DOCUMENTS by relevance to QUERY; one JSON line per result, best first:
    ``{"index": i, "score": s, "document": "..."}``."""

    def go() -> None:
        from .embedding_facade import RerankModel

        r = RerankModel(model_name, **_options(opts)).rerank(query, list(documents), top_n)
        for x in r.results:
            click.echo(json.dumps({"index": x.index, "score": x.score, "document": x.document}))

    _run_guarded(ctx, go)
