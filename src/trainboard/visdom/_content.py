"""Visdom's content windows (images, text, audio, video, svg, figures), a mixin of ``Visdom``.

Arrays are checked and copied on the calling thread; PNG/WAV/video encoding happens on
the sender thread.
"""

from __future__ import annotations

import json
from typing import Any

from trainboard.visdom._layout import check_opts
from trainboard.writer._convert import to_numpy

__all__ = ["ContentMethods"]


def _opts(opts: dict[str, Any] | None) -> dict[str, Any]:
    return {} if opts is None else check_opts(dict(opts))


def _text_message(text: str, win: Any, env: Any, opts: dict[str, Any],
                  append: bool = False) -> tuple[str, dict[str, Any]]:
    message: dict[str, Any] = {"data": [{"content": text, "type": "text"}], "win": win,
                               "eid": env, "opts": opts}
    if append:  # creates the window when it is missing (Visdom's server refuses then)
        message["append"] = True
        return "update", message
    return "events", message


class ContentMethods:
    """Images, text and media; ``Visdom`` provides the transport."""

    def _submit(self, endpoint: str, msg: dict[str, Any]) -> Any:
        raise NotImplementedError

    def _submit_lazy(self, endpoint: str, win: Any, env: Any, build: Any) -> Any:
        raise NotImplementedError

    def image(self, img: Any, win: str | None = None, env: str | None = None,
              opts: dict[str, Any] | None = None) -> Any:
        """An image: C×H×W (C = 1 or 3) or H×W; floats in [0, 1] or integers in [0, 255].

        ``opts``: ``caption``, ``jpgquality`` (JPEG instead of PNG), ``store_history``
        (keep every image of the window, with a slider), ``title``, ``width``, ``height``.

        Example::

            viz.image(np.random.rand(3, 64, 64), win="sample", opts={"caption": "step 10"})
        """
        from trainboard.visdom._media import check_image, image_message

        pixels = check_image(to_numpy(img, "img"))
        options = _opts(opts)
        endpoint = "update" if options.get("store_history") else "events"
        return self._submit_lazy(endpoint, win, env,
                                 lambda w, e: image_message(pixels, w, e, options)[1])

    def images(self, tensor: Any, nrow: int = 8, padding: int = 2, win: str | None = None,
               env: str | None = None, opts: dict[str, Any] | None = None) -> Any:
        """A grid of images: B×C×H×W, or a list of C×H×W images, ``nrow`` per row.

        Example::

            viz.images(np.random.rand(16, 3, 32, 32), nrow=4, win="batch")
        """
        import numpy as np

        from trainboard.visdom._media import image_grid

        if isinstance(tensor, list):
            tensor = np.stack([to_numpy(t, "tensor") for t in tensor], 0)
        if not isinstance(nrow, int) or nrow < 1 or not isinstance(padding, int) or padding < 0:
            raise ValueError(f"nrow must be ≥ 1 and padding ≥ 0, got {nrow!r}, {padding!r}")
        return self.image(image_grid(to_numpy(tensor, "tensor"), nrow, padding), win, env, opts)

    def text(self, text: str, win: str | None = None, env: str | None = None,
             opts: dict[str, Any] | None = None, append: bool = False) -> Any:
        """A text pane of HTML; ``append=True`` adds ``<br>`` + ``text`` to the window.

        The Live tab shows it sanitized (no scripts, no event handlers).

        Example::

            viz.text("epoch 3: <b>val acc 0.91</b>", win="log", append=True)
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return self._submit(*_text_message(text, win, env, _opts(opts), append))

    def properties(self, data: list[dict[str, Any]], win: str | None = None,
                   env: str | None = None, opts: dict[str, Any] | None = None) -> Any:
        """A pane of properties: ``[{"type": "text"|"number"|..., "name", "value"}]``.

        Example::

            viz.properties([{"type": "number", "name": "lr", "value": "0.01"}], win="props")
        """
        if not isinstance(data, list) or not all(isinstance(p, dict) for p in data):
            raise TypeError(f"data must be a list of dicts, got {data!r:.80}")
        return self._submit("events", {"data": [{"content": data, "type": "properties"}],
                                       "win": win, "eid": env, "opts": _opts(opts)})

    def audio(self, tensor: Any = None, audiofile: str | None = None, win: str | None = None,
              env: str | None = None, opts: dict[str, Any] | None = None) -> Any:
        """An audio player of a waveform (N, or N×2 stereo) or a wav/mp3/ogg/flac file.

        ``opts['sample_frequency']``: the waveform's rate (default 44100).

        Example::

            viz.audio(np.sin(np.linspace(0, 880 * np.pi, 44100)), win="tone")
        """
        from trainboard.visdom._media import audio_html

        options = _opts(opts)
        options["sample_frequency"] = options.get("sample_frequency", 44100)
        if tensor is None and audiofile is None:
            raise ValueError("give tensor (a waveform) or audiofile")
        samples = None
        if tensor is not None:
            samples = to_numpy(tensor, "tensor").copy()
            if samples.ndim != 1 and not (samples.ndim == 2 and samples.shape[1] == 2):
                raise ValueError(f"tensor must be N or N×2, got shape {samples.shape}")
        elif str(audiofile).rsplit(".", 1)[-1].lower() not in ("wav", "mp3", "ogg", "flac"):
            raise ValueError(f"unknown audio type of {audiofile!r}; expected wav/mp3/ogg/flac")
        options["height"], options["width"] = 80, 330
        rate = options["sample_frequency"]
        return self._submit_lazy("events", win, env, lambda w, e: _text_message(
            audio_html(samples, audiofile, rate), w, e, options)[1])

    def video(self, tensor: Any = None, dim: str = "LxHxWxC", videofile: str | None = None,
              win: str | None = None, env: str | None = None,
              opts: dict[str, Any] | None = None) -> Any:
        """A video of frames (``dim`` L×H×W×C or L×C×H×W, BGR) or of a video file.

        Frames are encoded as MP4 when PyAV is installed (as Visdom does), else as an
        animated GIF. ``opts``: ``fps`` (25), ``autoplay``, ``loop``.

        Example::

            viz.video(np.random.rand(16, 32, 32, 3), win="clip", opts={"fps": 8})
        """
        from trainboard.visdom._media import video_html

        options = _opts(opts)
        options.setdefault("fps", 25)
        options.setdefault("loop", False)
        options.setdefault("autoplay", False)
        frames = None
        if tensor is None and videofile is None:
            raise ValueError("give tensor (frames) or videofile")
        if tensor is not None:
            frames = to_numpy(tensor, "tensor").copy()
            if frames.ndim != 4 or dim not in ("LxHxWxC", "LxCxHxW"):
                raise ValueError(f"tensor must be 4-D and dim 'LxHxWxC' or 'LxCxHxW', got "
                                 f"shape {frames.shape} and dim={dim!r}")
            frames = frames.transpose(0, 2, 3, 1) if dim == "LxCxHxW" else frames
        return self._submit_lazy("events", win, env, lambda w, e: _text_message(
            video_html(frames, videofile, options), w, e, options)[1])

    def svg(self, svgstr: str | None = None, svgfile: str | None = None, win: str | None = None,
            env: str | None = None, opts: dict[str, Any] | None = None) -> Any:
        """An SVG drawing, from a string or a file.

        Example::

            viz.svg('<svg height="30" width="30"><circle cx="15" cy="15" r="10"/></svg>')
        """
        from trainboard.visdom._media import svg_of

        return self.text(svg_of(svgstr, svgfile), win=win, env=env, opts=opts)

    def matplot(self, plot: Any, opts: dict[str, Any] | None = None, env: str | None = None,
                win: str | None = None) -> Any:
        """A matplotlib figure (``plt`` or a Figure), as SVG; ``opts['resizable']``.

        Example::

            plt.plot([1, 3, 2]); viz.matplot(plt, win="fig")
        """
        from trainboard.visdom._media import matplot_svg

        options = _opts(opts)
        svg = matplot_svg(plot, options)  # on this thread: matplotlib is not thread-safe
        return self.svg(svgstr=svg, opts=options, env=env, win=win)

    def plotlyplot(self, figure: Any, win: str | None = None, env: str | None = None) -> Any:
        """A Plotly figure (``plotly.graph_objects.Figure`` or its dict), drawn as is.

        Example::

            viz.plotlyplot({"data": [{"type": "bar", "y": [1, 3]}], "layout": {}}, win="fig")
        """
        if hasattr(figure, "to_plotly_json"):
            import plotly  # type: ignore[import-not-found]

            figure = json.loads(json.dumps(figure, cls=plotly.utils.PlotlyJSONEncoder))
        if not isinstance(figure, dict) or "data" not in figure:
            raise TypeError(f"figure must be a Plotly Figure or a dict with data, got "
                            f"{type(figure).__name__}")
        layout = figure.get("layout") or {}
        opts: dict[str, Any] = {}
        if "title" in layout:
            title = layout["title"]
            opts["title"] = title.get("text", title) if isinstance(title, dict) else title
        return self._submit("events", {"data": figure["data"], "layout": layout, "win": win,
                                       "eid": env, "opts": opts})
