"""How an estimate is shown: a short text for people, one JSON object for programs."""

from __future__ import annotations

import json

from pipelines.estimation.mse import Estimate


def as_dict(result: Estimate) -> dict[str, object]:
    return {
        "lists": list(result.lists),
        "method": result.method,
        "observed": result.observed,
        "estimate": round(result.estimate, 1),
        "hidden": round(result.hidden, 1),
        "terms": list(result.terms),
        "empty_overlaps": list(result.empty_terms),
        "interval": [round(bound, 1) for bound in result.interval],
        "interval_method": result.interval_method,
        "confidence": 0.95,
        "notes": list(result.notes),
    }


def render_json(result: Estimate) -> str:
    return json.dumps(as_dict(result))


def render_text(result: Estimate) -> str:
    low, high = result.interval
    lines = [
        f"lists:     {', '.join(result.lists)}",
        f"method:    {result.method}",
        f"estimate:  {result.estimate:,.0f}",
        f"observed:  {result.observed:,}",
        f"hidden:    {result.hidden:,.0f}",
        f"terms:     {', '.join(result.terms) or '(main effects only)'}",
        f"interval:  {low:,.0f} to {high:,.0f} (95%, {result.interval_method})",
    ]
    if result.empty_terms:
        lines.append(
            f"no case in common (fitted as structural zeros): {', '.join(result.empty_terms)}"
        )
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)
