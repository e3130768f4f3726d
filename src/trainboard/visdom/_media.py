"""Visdom's media windows as messages: image(s), audio, video, svg, matplotlib figures.

Validation (``check_*``) runs on the calling thread; encoding (``*_message``: PNG, WAV,
MP4 or GIF, base64) runs on the sender thread.
"""

from __future__ import annotations

import base64
import io
import math
import re
import wave
from typing import Any

import numpy as np

from trainboard.visdom._layout import check_opts

__all__ = [
    "audio_html",
    "check_image",
    "image_grid",
    "image_message",
    "matplot_svg",
    "svg_of",
    "video_html",
]

Message = tuple[str, dict[str, Any]]


def _shape(a: Any) -> str:
    return "×".join(map(str, a.shape)) or "scalar"


def check_image(img: Any) -> Any:
    """A C×H×W (C = 1 or 3) or H×W array, copied so the caller may change its own."""
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[0] not in (1, 3)):
        raise ValueError(f"img must be C×H×W with C = 1 or 3, or H×W, got shape {_shape(img)}")
    if img.dtype.kind not in "biuf":
        raise TypeError(f"img must be numeric, got dtype {img.dtype}")
    return np.array(img)


def image_message(img: Any, win: Any, env: Any, opts: dict[str, Any]) -> Message:
    """Visdom's ``image``: PNG (JPEG with ``jpgquality``) as a data URL."""
    from PIL import Image

    opts["width"] = opts.get("width", img.shape[-1])
    opts["height"] = opts.get("height", img.shape[-2])
    if img.ndim == 2 or img.shape[0] == 1:
        img = np.squeeze(img)[np.newaxis, :, :].repeat(3, axis=0)
    if img.dtype.kind == "f":
        if img.max() <= 1:
            img = img * 255.0
        img = np.clip(np.nan_to_num(img), 0, 255)  # Visdom wraps values > 255 around
    buf = io.BytesIO()
    kind, save_args = "png", {}
    if "jpgquality" in opts:
        kind, save_args = "jpeg", {"quality": opts["jpgquality"]}
    Image.fromarray(np.transpose(img.astype(np.uint8), (1, 2, 0))).save(
        buf, format=kind.upper(), **save_args)
    src = f"data:image/{kind};base64," + base64.b64encode(buf.getvalue()).decode()
    history = bool(opts.get("store_history"))
    data = [{"content": {"src": src, "caption": opts.get("caption")},
             "type": "image_history" if history else "image"}]
    message = {"data": data, "win": win, "eid": env, "opts": opts}
    if history:  # appends to the window, creating it when missing (one round trip)
        return "update", {**message, "append": True}
    return "events", message


def image_grid(tensor: Any, nrow: int, padding: int) -> Any:
    """Visdom's ``images`` grid (torchvision's ``make_grid``, as Visdom lays it out)."""
    if tensor.ndim == 2:
        tensor = tensor[np.newaxis]
    if tensor.ndim == 3:
        return np.repeat(tensor, 3, 0) if tensor.shape[0] == 1 else tensor
    if tensor.ndim != 4 or tensor.shape[1] not in (1, 3):
        raise ValueError(f"tensor must be B×C×H×W with C = 1 or 3, got {_shape(tensor)}")
    if tensor.shape[1] == 1:
        tensor = np.repeat(tensor, 3, 1)
    nmaps = tensor.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = math.ceil(nmaps / xmaps)
    height, width = int(tensor.shape[2] + 2 * padding), int(tensor.shape[3] + 2 * padding)
    grid = np.ones([tensor.shape[1], height * ymaps, width * xmaps])
    for k in range(nmaps):
        y, x = divmod(k, xmaps)
        top, left = y * height + 1 + padding, x * width + 1 + padding
        grid[:, top:top + tensor.shape[2], left:left + tensor.shape[3]] = tensor[k]
    return grid


def audio_html(tensor: Any, audiofile: str | None, rate: int) -> str:
    """An ``<audio>`` element with the waveform as 16-bit WAV (or the file's bytes)."""
    if tensor is not None:
        peak = float(np.max(np.abs(tensor))) or 1.0
        samples = np.int16(tensor / peak * 32767)
        buf = io.BytesIO()
        with wave.open(buf, "wb") as out:
            out.setnchannels(1 if samples.ndim == 1 else 2)
            out.setsampwidth(2)
            out.setframerate(int(rate))
            out.writeframes(samples.astype("<i2").tobytes())
        kind, payload = "wav", buf.getvalue()
    else:
        assert audiofile is not None
        kind = audiofile.rsplit(".", 1)[-1].lower()
        with open(audiofile, "rb") as file:
            payload = file.read()
    encoded = base64.b64encode(payload).decode()
    return (f'<audio controls><source type="audio/{kind}" src="data:audio/{kind};base64,'
            f'{encoded}">Your browser does not support the audio tag.</audio>')


def _gif(frames: Any, fps: float) -> bytes:
    from PIL import Image

    if frames.dtype.kind == "f":
        frames = 255 * frames
    frames = np.clip(frames, 0, 255).astype(np.uint8)
    if frames.shape[3] == 3:
        frames = frames[..., ::-1]  # Visdom's frames are BGR (OpenCV's order)
    images = [Image.fromarray(f.squeeze(-1) if f.shape[-1] == 1 else f) for f in frames]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(1000 / fps), loop=0)
    return buf.getvalue()


def video_html(tensor: Any, videofile: str | None, opts: dict[str, Any]) -> str:
    """A ``<video>`` of the file, or of L×H×W×C frames: MP4 with PyAV (Visdom's encoder)
    when installed, else an animated GIF in an ``<img>``."""
    flags = " ".join(k for k in ("autoplay", "loop") if opts.get(k))
    if tensor is None:
        assert videofile is not None
        kind = {"mp4": "mp4", "ogv": "ogg", "avi": "avi", "webm": "webm"}.get(
            videofile.rsplit(".", 1)[-1].lower(), "mp4")
        with open(videofile, "rb") as file:
            payload = file.read()
    else:
        try:
            payload, kind = _mp4(tensor, opts["fps"]), "mp4"
        except ImportError:
            gif = base64.b64encode(_gif(tensor, opts["fps"])).decode()
            return f'<img src="data:image/gif;base64,{gif}">'
    encoded = base64.b64encode(payload).decode()
    return (f'<video controls {flags}><source type="video/{kind}" '
            f'src="data:video/{kind};base64,{encoded}">'
            "Your browser does not support the video tag.</video>")


def _mp4(tensor: Any, fps: float) -> bytes:
    import av  # type: ignore[import-not-found]

    if tensor.dtype.kind == "f":
        tensor = 255 * tensor
    tensor = tensor.astype(np.uint8).clip(0, 255)
    content = io.BytesIO()
    container = av.open(content, "w", "mp4")
    stream = container.add_stream("h264", rate=fps)
    stream.height, stream.width, stream.pix_fmt = tensor.shape[1], tensor.shape[2], "yuv420p"
    pixel_format = {1: "gray", 3: "bgr24"}[tensor.shape[3]]
    for frame in tensor:
        container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format=pixel_format)))
    container.mux(stream.encode())
    container.close()
    return content.getvalue()


def svg_of(svgstr: str | None, svgfile: str | None) -> str:
    if svgfile is not None:
        with open(svgfile, encoding="utf-8") as file:
            svgstr = file.read()
    if svgstr is None:
        raise ValueError("give svgstr or svgfile")
    match = re.search("<svg .+</svg>", svgstr, re.DOTALL)
    if match is None:
        raise ValueError(f"no <svg ...>...</svg> element in {svgstr[:60]!r}")
    return match.group(0)


def matplot_svg(figure: Any, opts: dict[str, Any]) -> str:
    """A matplotlib figure as SVG; ``opts`` gets Visdom's pane size (pt -> px)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    check_opts(opts)
    for key, scale in (("height", 1.4), ("width", 1.35)):
        found = re.search(key + r'\="([0-9\.]*)pt"', svg)
        if key not in opts and found is not None:
            opts[key] = scale * math.ceil(float(found.group(1)))
    if opts.get("resizable"):  # let the pane size it: drop the fixed size of the root <svg>
        svg = re.sub(r'(<svg[^>]*?)\s(?:width|height)="[^"]*"', r"\1", svg, count=2)
    return svg
