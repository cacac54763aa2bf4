"""Markdown tables of the policy library benchmark's results (printed by run.py)."""

from __future__ import annotations

TARGET_MS = 200.0


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _seconds(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def _cold(result: dict) -> str:
    cold = result.get("cold", {}).get("filtered", {})
    return f"{_ms(cold['p50'])} / {_ms(cold['p95'])}" if cold.get("requests") else "–"


def _rebuild(result: dict) -> str:
    build = result.get("index_build_ms")
    return _ms(build["p50"]) if build else "–"


def markdown(results: dict) -> str:
    lines = [
        "| Engine | Policies | Generation (s) | Filtered p50 / p95 / max (ms) | Unfiltered p50 / p95 (ms) "
        "| Right after a change p50 / p95 (ms) | Index rebuild p50 (ms) "
        "| Queries per request (filtered; unfiltered) "
        f"| Target met (warm p95 < {TARGET_MS:.0f} ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for r in results["engines"].values():
        f, u = r["filtered"], r["unfiltered"]
        spread = (
            f"{f['queries_min']}–{f['queries_max']}"
            if f["queries_min"] != f["queries_max"]
            else f["queries_min"]
        )
        queries = f"{spread}; {u['queries_min']}"
        meets = "yes" if f["p95"] < TARGET_MS and u["p95"] < TARGET_MS else "no"
        lines.append(
            f"| {r['database']} | {r['policies_live']:,} | {_seconds(r['generation']['seconds'])} "
            f"| {_ms(f['p50'])} / {_ms(f['p95'])} / {_ms(f['max'])} | {_ms(u['p50'])} / {_ms(u['p95'])} "
            f"| {_cold(r)} | {_rebuild(r)} | {queries} | {meets} |"
        )
    return "\n".join(lines)


def markdown_detail(results: dict) -> str:
    engines = list(results["engines"].values())
    header = "| Request | " + " | ".join(f"{r['engine']} p50 (ms) | results" for r in engines) + " |"
    lines = [header, "|---|" + "---:|---:|" * len(engines)]
    for i, combo in enumerate(engines[0]["combos"]):
        cells = " | ".join(f"{_ms(r['combos'][i]['p50'])} | {r['combos'][i]['total']:,}" for r in engines)
        lines.append(f"| {combo['label']} `{combo['query'] or '(none)'}` | {cells} |")
    return "\n".join(lines)


def markdown_breakdown(results: dict) -> str:
    lines = []
    for r in results["engines"].values():
        for group in ("filtered", "unfiltered"):
            b = r["breakdown"][group]
            parts = ", ".join(f"{name} {ms:.1f}" for name, ms in b["by_query"].items())
            lines.append(
                f"- {r['engine']} {group}: request {b['request_ms']:.0f} ms, SQL {b['sql_ms']:.0f} ms "
                f"({b['queries']:.0f} queries) — {parts}"
            )
    return "\n".join(lines)
