"""The benchmarks: programs, never tests; speed is a ratio against plain PyTorch in one run.

- `training`: the Trainer against the plain loop an engineer would write
  (`python -m playground bench`).
- `attributions`: every attribution method on one digits image
  (`python -m playground bench --suite attributions`).
- `live`: a real streamlit server with headless Chromium training from the Train page, and
  the server's memory per session (`python -m playground.bench.live`).

This module holds only the table the command line prints, so importing it stays cheap.
"""

from __future__ import annotations

from typing import Any


def format_results(results: list[dict[str, Any]]) -> str:
    """A plain-text table of benchmark rows, columns in the order the rows give them."""
    if not results:
        return "no results\n"
    columns = list(dict.fromkeys(k for row in results for k in row))

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
        return "" if value is None else str(value)

    table = [columns] + [[cell(row.get(c)) for c in columns] for row in results]
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in table]
    note = ("\nratio = trainer / plain training samples per second (medians of interleaved "
            "repeats); both sides read the loss every step and check test accuracy every "
            "epoch, the trainer also keeps running train accuracy and divergence snapshots; "
            "ratio_cpu_time compares process CPU seconds (steadier on a busy machine), "
            "ratio_without_evaluation leaves the per-epoch test check out of both.\n"
            if "ratio" in columns else "\n")
    return "\n".join(lines) + note
