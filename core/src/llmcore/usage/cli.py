"""``llmcore usage``: the usage log as a per-day/model table (or JSON)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

__all__ = ["usage_command"]

_COLUMNS = (
    ("requests", "REQUESTS"),
    ("cache_hits", "CACHE HITS"),
    ("input_tokens", "INPUT"),
    ("output_tokens", "OUTPUT"),
    ("cache_read_tokens", "CACHED IN"),
    ("reasoning_tokens", "REASONING"),
)


def _epoch(day: str, option: str) -> float:
    try:
        d = dt.date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r} is not a date like 2026-11-21", param_hint=option) from None
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp()


def _cost(row: dict[str, Any]) -> str:
    cost, unpriced = row.get("cost"), row.get("unpriced") or 0
    if cost is None:
        return "unknown" if unpriced else "$0"
    text = f"${cost:.6f}" if cost < 1 else f"${cost:,.2f}"
    return text + ("*" if unpriced else "")


def _table(rows: list[list[str]], header: list[str], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    out = [line(header).rstrip(), "  ".join("-" * w for w in widths)]
    out += [line(r).rstrip() for r in rows]
    return "\n".join(out)


def _check_usage_log(path: Path) -> None:
    """Refuse, read-only and before :class:`UsageLog` touches it (it sets WAL mode,
    creates its table and makes the file private), a file that is no usage log:
    not SQLite, or another program's SQLite database."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise click.ClickException(f"{path} is not a usage log llmcore can read ({e})") from None
    if tables and "usage" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise click.ClickException(
            f"{path} is not a usage log: an SQLite database without llmcore's usage table (it has: {shown})"
        )


def _read(
    log_type: Any, path: Path, start: float | None, end: float | None, groups: tuple[str, ...]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The grouped rows and the total of the log at ``path``. A file that is no
    usage log (not SQLite, another program's database, unreadable) is one typed
    line (:class:`click.ClickException`), not a sqlite3 traceback."""
    import sqlite3

    _check_usage_log(path)
    try:
        log = log_type(path)
        try:
            return log.summary(since=start, until=end, by=groups), log.summary(since=start, until=end, by=())
        finally:
            log.close()
    except sqlite3.DatabaseError as e:  # OperationalError ("no such table", "unable to open") included
        raise click.ClickException(f"{path} is not a usage log llmcore can read ({e})") from None
    except OSError as e:
        raise click.ClickException(f"cannot read the usage log {path}: {e.strerror or e}") from None


@click.command("usage")
@click.option("--since", help="First day (UTC), e.g. 2026-11-01.")
@click.option("--until", "until", help="Last day (UTC), inclusive.")
@click.option("--days", type=int, help="Only the last N days (UTC), today included.")
@click.option(
    "--by", default="day,model", show_default=True, help="Group by any of day, provider, model, key (comma-separated)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of rows.")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The usage log file (default: $LLMCORE_USAGE_LOG or <data dir>/usage.sqlite).",
)
def usage_command(
    since: str | None, until: str | None, days: int | None, by: str, as_json: bool, db: Path | None
) -> None:
    """Tokens, requests, cache hits and cost per day and model, from the usage log.

    Every call made through the llmcore API is logged (no prompt text), unless
    LLMCORE_USAGE_LOG=0. Costs marked * include calls whose price is unknown.
    """
    from .log import UsageLog, default_log_path

    path = db or default_log_path()
    if path is None:
        raise click.ClickException("usage logging is off (LLMCORE_USAGE_LOG=0); pass --db FILE to read a log")
    groups = tuple("key_id" if g.strip() == "key" else g.strip() for g in by.split(",") if g.strip())
    bad = [g for g in groups if g not in ("day", "provider", "model", "key_id")]
    if bad:
        raise click.BadParameter(f"cannot group by {', '.join(bad)}; use day, provider, model, key", param_hint="--by")
    start = _epoch(since, "--since") if since else None
    end = _epoch(until, "--until") + 86400 if until else None
    if days is not None:
        if days < 1:
            raise click.BadParameter("must be at least 1", param_hint="--days")
        today = dt.datetime.now(dt.timezone.utc).date()
        start = _epoch((today - dt.timedelta(days=days - 1)).isoformat(), "--days")
    if not path.exists():
        if as_json:
            click.echo("[]")
        else:
            click.echo(f"No usage logged yet ({path}).")
        return
    rows, total = _read(UsageLog, path, start, end, groups)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No usage in that period.")
        return
    names = {"day": "DAY (UTC)", "provider": "PROVIDER", "model": "MODEL", "key_id": "KEY"}
    header = [names[g] for g in groups] + [h for _, h in _COLUMNS] + ["COST", "LATENCY"]
    body = []
    for r in [*rows, *total]:
        is_total = r in total
        keys = [
            "TOTAL" if is_total and i == 0 else ("" if is_total else str(r[g] or "-")) for i, g in enumerate(groups)
        ]
        lat = r.get("mean_latency")
        body.append(keys + [f"{r[k] or 0:,}" for k, _ in _COLUMNS] + [_cost(r), f"{lat:.2f}s" if lat else "-"])
    right = set(range(len(groups), len(header)))
    click.echo(_table(body, header, right))
