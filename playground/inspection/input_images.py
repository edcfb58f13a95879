"""Turning a user's picture (an uploaded file or a canvas drawing) into one model input.

The image datasets store bright ink on a dark background in [0, 1] (shapes and digits
alike), so a picture is converted to that convention: grayscale, resized to the dataset's
height × width, scaled to [0, 1], and inverted when its background is bright (a photo of a
pen drawing on white paper).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

from playground.errors import SpecError

MAX_PIXELS = 20_000_000  # a 20-megapixel photo; a 10000×8900 PNG once took the server to 2.8 GB
WORKING_SIDE = 512  # decoded pictures are shrunk to this before any further conversion


def load_image_bytes(data: bytes) -> np.ndarray:
    """Decode image file bytes (PNG, JPEG, …) into an (H, W, C) or (H, W) uint8 array of at
    most WORKING_SIDE pixels a side.

    The size in the file's header is checked before a pixel is decoded, so a decompression
    bomb costs nothing. Raises SpecError when the bytes are not an image or too large.
    """
    too_large = SpecError(f"This picture has more than {MAX_PIXELS / 1e6:g} megapixels, more "
                          "than the playground reads. Shrink it or crop it, then upload it "
                          "again.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise too_large
            img.draft("L", (WORKING_SIDE, WORKING_SIDE))  # JPEG: decode at a reduced scale
            img.load()
            img.thumbnail((WORKING_SIDE, WORKING_SIDE))
            if img.mode not in ("L", "RGB", "RGBA"):
                img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
            return np.asarray(img)
    except SpecError:
        raise
    except Image.DecompressionBombError:  # Pillow's own header check, past 2 × its limit
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise SpecError("The file could not be read as an image. Upload a PNG or JPEG "
                        "picture.") from exc


def _to_gray(image: np.ndarray) -> np.ndarray:
    """(H, W[, C]) uint8 or float → (H, W) float in [0, 1]; alpha composites over black."""
    a = np.asarray(image, dtype=np.float32)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.max(initial=0.0) > 1.0:  # 0..255 pixel values
        a = a / 255.0
    if a.ndim == 2:
        return np.clip(a, 0.0, 1.0)
    if a.ndim != 3 or a.shape[-1] not in (3, 4):
        raise SpecError(f"An image of shape {a.shape} is not a picture; expected height × "
                        "width with 1, 3 or 4 colour channels.")
    gray = a[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R 601 luma
    if a.shape[-1] == 4:
        gray = gray * a[..., 3]  # transparent pixels are background (black)
    return np.clip(gray, 0.0, 1.0)


def bright_background(gray: np.ndarray) -> bool:
    """Whether the picture's border is mostly bright: dark ink on light paper."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return float(np.median(border)) > 0.5


def image_to_input(image: np.ndarray | bytes, input_shape: tuple[int, ...],
                   invert: bool | None = None) -> np.ndarray:
    """A picture as one model input of `input_shape` (C, H, W), float32 in [0, 1].

    Args:
        image: file bytes, or an (H, W), (H, W, 3) or (H, W, 4) array (a canvas gives RGBA).
        input_shape: the dataset's input shape, channels first.
        invert: flip bright and dark; None decides from the border (bright border → invert).
    Returns:
        (C, H, W) float32; grayscale is repeated when the dataset has 3 channels.
    """
    if len(input_shape) != 3:
        raise SpecError("Pictures only fit image datasets; this dataset's input is "
                        f"{'×'.join(map(str, input_shape))}.")
    channels, height, width = input_shape
    if isinstance(image, bytes | bytearray):
        image = load_image_bytes(bytes(image))
    gray = _to_gray(image)
    if invert is None:
        invert = bright_background(gray)
    if invert:
        gray = 1.0 - gray
    # BOX averages every source pixel into the small target: a thin stroke stays visible.
    small = Image.fromarray((gray * 255).round().astype(np.uint8), "L").resize(
        (width, height), Image.Resampling.BOX)
    out = np.asarray(small, dtype=np.float32) / 255.0
    return np.repeat(out[None], channels, axis=0).astype(np.float32)


def is_blank(x: np.ndarray, threshold: float = 0.02) -> bool:
    """Whether a converted picture has (almost) no ink, e.g. an untouched canvas."""
    return float(np.asarray(x).max(initial=0.0)) < threshold
