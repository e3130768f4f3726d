"""add_image, add_images, add_image_with_boxes, add_figure, add_video, add_audio.

Each method validates its arguments and snapshots the data on the calling thread
(see :mod:`trainboard.writer._media_input`); laying pixels out, tiling batches and
PNG/GIF/WAV encoding happen in ``build()`` on the background writer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trainboard.writer._base import WriterBase
from trainboard.writer._convert import check_tag

if TYPE_CHECKING:
    from trainboard.writer._media_input import Snapshot

# numpy, PIL and the media helpers are imported inside the methods: `import
# trainboard` stays light, and a program that logs only scalars never loads them.

__all__ = ["MediaMethods"]

logger = logging.getLogger(__name__)


def _check_labels(labels: Any, count: int) -> list[str] | None:
    if labels is None:
        return None
    if isinstance(labels, str):
        labels = [labels]
    if not isinstance(labels, Sequence):
        raise TypeError(f"labels must be a list of str, got {type(labels).__name__} {labels!r}")
    for i, label in enumerate(labels):
        if not isinstance(label, str):
            raise TypeError(f"labels[{i}] must be a str, got {type(label).__name__} {label!r}")
    if len(labels) != count:
        raise ValueError(
            f"labels has {len(labels)} entries but box_tensor has {count} boxes; give one "
            "label per box (torch drops all the labels silently in this case)"
        )
    return list(labels)


class MediaMethods(WriterBase):
    """Images, figures, videos and audio; mixed into :class:`~trainboard.SummaryWriter`."""

    def _submit_image(
        self,
        tag: str,
        snap: Snapshot,
        fmt: str,
        global_step: Any,
        walltime: Any,
        *,
        rescale: float = 1.0,
        boxes: Snapshot | None = None,
        labels: list[str] | None = None,
    ) -> None:
        def build() -> list[Any]:
            from trainboard.format.kinds import image
            from trainboard.format.kinds._image_layout import to_hwc, to_uint8

            hwc = to_uint8(to_hwc(snap.array(), fmt))
            rois = None if boxes is None else boxes.array()
            return [image.image_value(tag, hwc, rescale=rescale, boxes=rois, labels=labels)]

        self._submit_values(tag, build, global_step, walltime, nbytes=snap.nbytes)

    def add_image(
        self,
        tag: str,
        img_tensor: Any,
        global_step: Any = None,
        walltime: Any = None,
        dataformats: str = "CHW",
    ) -> None:
        """Log one image (a PNG in the Images dashboard).

        Args:
            tag: Image series name.
            img_tensor: A tensor (any device), numpy array or nested list laid out as
                ``dataformats``, or a PIL image. ``uint8`` values are used as they
                are; any other dtype is taken as [0, 1], scaled by 255 and clipped.
                One channel is gray, three RGB, four RGBA.
            global_step: Step; when omitted the tag's images are numbered 0, 1, ...
            walltime: Seconds since the epoch; defaults to now.
            dataformats: The axes of ``img_tensor``: ``CHW`` (default), ``HWC``,
                ``HW`` or any order of those letters; ``NCHW``-style tiles a batch
                as :meth:`add_images` does. Ignored for a PIL image, whose layout
                is known.

        Example::

            img = torch.rand(3, 64, 64)
            writer.add_image("sample", img, step)
            writer.add_image("sample_hwc", img.permute(1, 2, 0), step, dataformats="HWC")
        """
        from trainboard.format.kinds._image_layout import check_image_layout
        from trainboard.writer._media_input import image_snapshot

        check_tag(tag)
        snap, dataformats = image_snapshot(img_tensor, dataformats)
        fmt = check_image_layout(snap.shape, dataformats)
        self._submit_image(tag, snap, fmt, global_step, walltime)

    def add_images(
        self,
        tag: str,
        img_tensor: Any,
        global_step: Any = None,
        walltime: Any = None,
        dataformats: str = "NCHW",
    ) -> None:
        """Log a batch of images tiled into one grid image, 8 per row (as torch does).

        Args:
            tag: Image series name.
            img_tensor: A batch laid out as ``dataformats`` (tensor, numpy array), or
                (as in tensorboardX) a list of same-shaped images, each laid out as
                ``dataformats`` without the ``N`` (PIL images allowed). Values as
                in :meth:`add_image`.
            global_step: Step; when omitted the tag's images are numbered 0, 1, ...
            walltime: Seconds since the epoch; defaults to now.
            dataformats: ``NCHW`` (default), ``NHWC`` or any order of N, C, H, W; for
                a list, also ``CHW`` or ``HWC``.

        Example::

            batch = torch.rand(16, 3, 32, 32)
            writer.add_images("batch", batch, step)  # one 4 x 2 grid image
        """
        from trainboard.format.kinds._image_layout import check_image_layout
        from trainboard.writer._media_input import image_snapshot, images_snapshot

        check_tag(tag)
        if isinstance(img_tensor, (list, tuple)):
            snap, dataformats = images_snapshot(img_tensor, dataformats)
        else:
            snap, dataformats = image_snapshot(img_tensor, dataformats)
        fmt = check_image_layout(snap.shape, dataformats)
        self._submit_image(tag, snap, fmt, global_step, walltime)

    def add_image_with_boxes(
        self,
        tag: str,
        img_tensor: Any,
        box_tensor: Any,
        global_step: Any = None,
        walltime: Any = None,
        rescale: float = 1,
        dataformats: str = "CHW",
        labels: list[str] | str | None = None,
    ) -> None:
        """Log an image with boxes ``[x1, y1, x2, y2]`` (pixels) drawn on it in red.

        Args:
            tag: Image series name.
            img_tensor: The image, as in :meth:`add_image`.
            box_tensor: ``(N, 4)`` corners ``x1, y1, x2, y2`` in pixels of the image;
                ``N`` may be 0. Boxes with a NaN or infinite coordinate are skipped.
            global_step: Step; when omitted the tag's images are numbered 0, 1, ...
            walltime: Seconds since the epoch; defaults to now.
            rescale: Resize the drawn image by this factor (Lanczos).
            dataformats: The axes of ``img_tensor``, as in :meth:`add_image`.
            labels: One string per box, drawn at its bottom-left corner (a single
                str for a single box).

        Raises:
            ValueError: ``labels`` does not have one entry per box (torch drops the
                labels silently instead).

        Example::

            boxes = torch.tensor([[10, 10, 40, 40], [30, 5, 60, 25]])
            writer.add_image_with_boxes("detections", img, boxes, step, labels=["cat", "dog"])
        """
        from trainboard.format.kinds._image_layout import check_image_layout, image_size
        from trainboard.writer._media_input import Snapshot, check_positive, image_snapshot

        check_tag(tag)
        snap, dataformats = image_snapshot(img_tensor, dataformats)
        fmt = check_image_layout(snap.shape, dataformats)
        scale = check_positive(rescale, "rescale")
        height, width = image_size(snap.shape, fmt)
        if int(height * scale) < 1 or int(width * scale) < 1:
            raise ValueError(f"rescale={rescale!r} shrinks the {width}x{height} image to nothing")
        boxes = Snapshot.of(box_tensor, "box_tensor")
        if len(boxes.shape) != 2 or boxes.shape[1] != 4:
            raise ValueError(
                f"box_tensor must have shape (N, 4) holding [x1, y1, x2, y2] per box, got "
                f"shape {boxes.shape}"
            )
        checked = _check_labels(labels, boxes.shape[0])
        self._submit_image(
            tag, snap, fmt, global_step, walltime, rescale=scale, boxes=boxes, labels=checked
        )

    def add_figure(
        self,
        tag: str,
        figure: Any,
        global_step: Any = None,
        close: bool = True,
        walltime: Any = None,
    ) -> None:
        """Log a matplotlib figure, or a list of same-sized figures tiled into one image.

        The figure is drawn (by matplotlib's Agg renderer) on the calling thread,
        since matplotlib is not thread-safe; PNG encoding happens in the background.

        Args:
            tag: Image series name.
            figure: A ``matplotlib.figure.Figure`` or a list of them.
            global_step: Step; when omitted the tag's images are numbered 0, 1, ...
            close: Close the figure(s) through pyplot afterwards.
            walltime: Seconds since the epoch; defaults to now.

        Raises:
            MissingDependencyError: matplotlib is not installed.

        Example::

            fig, ax = plt.subplots()
            ax.plot(losses)
            writer.add_figure("loss_curve", fig, step)
        """
        from trainboard.writer._media_input import Snapshot, render_figures

        check_tag(tag)
        step = self._step(global_step)
        wall = self._wall(walltime)
        pixels, fmt = render_figures(figure, bool(close))
        snap = Snapshot(pixels, tuple(pixels.shape), pixels.nbytes)
        self._submit_image(tag, snap, fmt, step, wall)

    def add_video(
        self,
        tag: str,
        vid_tensor: Any,
        global_step: Any = None,
        fps: float = 4,
        walltime: Any = None,
        dataformats: str = "NTCHW",
    ) -> None:
        """Log a batch of videos as one animated GIF (played by the Images dashboard).

        Args:
            tag: Video series name.
            vid_tensor: ``(N, T, C, H, W)`` (or as ``dataformats`` says): ``uint8`` in
                [0, 255] or float in [0, 1]; C is 1, 3 or 4 (alpha is dropped). The
                N videos are tiled into one grid as torch does (the batch padded to
                a power of two with black).
            global_step: Step; when omitted the tag's videos are numbered 0, 1, ...
            fps: Frames per second. GIF delays are whole hundredths of a second, so
                the delay stored is ``round(100 / fps)`` of them (at least 1).
            walltime: Seconds since the epoch; defaults to now.
            dataformats: The axes of ``vid_tensor`` (tensorboardX's argument).

        Example::

            clip = torch.rand(2, 16, 3, 64, 64)  # 2 videos of 16 frames
            writer.add_video("rollout", clip, step, fps=8)
        """
        from trainboard.format.kinds._image_layout import check_video_layout
        from trainboard.writer._media_input import Snapshot, check_positive

        check_tag(tag)
        snap = Snapshot.of(vid_tensor, "vid_tensor")
        fmt = check_video_layout(snap.shape, dataformats)
        rate = check_positive(fps, "fps")

        def build() -> list[Any]:
            from trainboard.format.kinds import video
            from trainboard.format.kinds._image_layout import tile_video, to_uint8

            frames = to_uint8(tile_video(snap.array(), fmt))
            return [video.video_value(tag, frames, rate)]

        self._submit_values(tag, build, global_step, walltime, nbytes=snap.nbytes)

    def add_audio(
        self,
        tag: str,
        snd_tensor: Any,
        global_step: Any = None,
        sample_rate: float = 44100,
        walltime: Any = None,
    ) -> None:
        """Log a mono sound clip (16-bit PCM WAV, played by the Audio dashboard).

        Args:
            tag: Audio series name.
            snd_tensor: Samples in [-1, 1], shape ``(L,)``, ``(1, L)`` or ``(L, 1)``.
                Values outside are clipped, with a warning logged (torch prints one);
                NaN is written as silence.
            global_step: Step; when omitted the tag's clips are numbered 0, 1, ...
            sample_rate: Samples per second (Hz).
            walltime: Seconds since the epoch; defaults to now.

        Example::

            t = torch.linspace(0, 1, 44100)
            writer.add_audio("tone", torch.sin(2 * math.pi * 440 * t), step, sample_rate=44100)
        """
        from trainboard.writer._media_input import Snapshot, check_positive

        check_tag(tag)
        snap = Snapshot.of(snd_tensor, "snd_tensor")
        long_axes = [n for n in snap.shape if n != 1]
        if len(long_axes) > 1 or 0 in snap.shape:
            raise ValueError(
                f"snd_tensor must hold one channel of samples, shape (L,), (1, L) or (L, 1) "
                f"with L >= 1; got shape {snap.shape}"
            )
        rate = check_positive(sample_rate, "sample_rate")
        if round(rate) < 1:
            raise ValueError(f"sample_rate must be at least 1 Hz, got {sample_rate!r}")

        def build() -> list[Any]:
            from trainboard.format.kinds import audio

            pcm, clipped = audio.to_pcm16(snap.array())
            if clipped:
                logger.warning("add_audio %r: samples outside [-1, 1] were clipped", tag)
            return [audio.audio_value(tag, pcm, rate)]

        self._submit_values(tag, build, global_step, walltime, nbytes=snap.nbytes)
