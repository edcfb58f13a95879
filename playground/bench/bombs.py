"""Bad-input benchmark: the server memory a hostile upload or link costs now.

Each input goes through the code a page runs on it (the picture decoder behind the
Activations and Attributions uploads, the spec loader behind uploads and `?spec=` links), in
a fresh process with torch, plotly and the playground loaded as a server has them. Printed:
resident memory before, the peak while handling the input, and what the page is told.

Figures before the caps (issue 11, measured on the old code in a running server): a
20000×20000 PNG raised an uncaught DecompressionBombError; a 10000×8900 PNG of 281 KB took
the server from 0.5 GB to 2.8 GB (5.1 GB on repeats); a 10,000-layer spec hung its page for
minutes; a 77 KB `?spec=` token expanded to 60 MB; nested JSON raised RecursionError.

Usage: python -m playground.bench.bombs
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import zlib

CASES = ("png_20000x20000", "png_10000x8900", "png_4000x4000", "spec_10000_layers",
         "spec_nested_10kb", "token_77kb_to_60mb")


def _memory_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field))


def _png(width: int, height: int) -> bytes:
    """A valid, highly compressible grey PNG written row by row (never held decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (len(data).to_bytes(4, "big") + body
                + zlib.crc32(body).to_bytes(4, "big"))

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    pack = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * width
    data = b"".join(pack.compress(row) for _ in range(height)) + pack.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def _input(case: str) -> bytes | str:
    if case == "png_20000x20000":
        return _png(20_000, 20_000)
    if case == "png_10000x8900":
        return _png(10_000, 8_900)
    if case == "png_4000x4000":
        return _png(4_000, 4_000)  # 16 megapixels: under the cap, decoded and shrunk
    if case == "spec_10000_layers":
        return json.dumps({"dataset": {"name": "spiral"},
                           "layers": [{"type": "relu"}] * 10_000})
    if case == "spec_nested_10kb":
        return "[" * 5_000 + "]" * 5_000
    deflated = zlib.compress(b'{"layers": [' + b" " * 60_000_000 + b"]}", 9)  # 60 MB
    return base64.urlsafe_b64encode(deflated).decode().rstrip("=")


def run_case(case: str) -> None:
    """Handle one input the way a page does, in this process; print one JSON line."""
    import plotly.graph_objects  # noqa: F401 - loaded in a server, counted in the baseline
    import torch  # noqa: F401

    from playground.errors import SpecError
    from playground.inspection.input_images import load_image_bytes
    from playground.spec import Spec

    data = _input(case)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak counts from here: building the input is not the server's cost
    before = _memory_kb("VmRSS:")
    try:
        if case.startswith("png"):
            load_image_bytes(data)  # type: ignore[arg-type]
        elif case.startswith("token"):
            Spec.from_url_token(data)  # type: ignore[arg-type]
        else:
            Spec.from_json(data)
        said = "accepted"
    except SpecError as exc:
        said = f"SpecError: {exc}"[:160]
    print(json.dumps({"case": case, "input_kb": len(data) // 1024,
                      "rss_before_mb": before // 1024,
                      "peak_mb": _memory_kb("VmHWM:") // 1024, "page_is_told": said}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        run_case(sys.argv[2])
        return
    for case in CASES:
        out = subprocess.run([sys.executable, "-m", "playground.bench.bombs", "--case", case],
                             capture_output=True, text=True, check=False)
        print(out.stdout.strip() or out.stderr.strip()[-400:])


if __name__ == "__main__":
    main()
