"""Audio encoding: torch's WAV bytes and Summary.Audio, clipping, and both read forms."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import Golden
from trainboard.format.kinds import audio
from trainboard.format.proto.summary_pb2 import Summary

torch_summary = pytest.importorskip("torch.utils.tensorboard.summary")

RNG = np.random.default_rng(11)


def _ours(tag: str, samples: np.ndarray, sample_rate: float = 44100) -> Summary.Value:
    pcm, _ = audio.to_pcm16(samples)
    return audio.audio_value(tag, pcm, sample_rate)


@pytest.mark.parametrize(
    "samples",
    [
        RNG.random(1000, dtype=np.float32) * 2 - 1,
        RNG.random((1, 513)) * 2 - 1,  # float64, a leading channel axis
        (RNG.random((257, 1), dtype=np.float32) - 0.5).astype(np.float32),
        np.array([-1.0, 1.0, 0.0, 0.5, -0.5], dtype=np.float32),
    ],
    ids=["float32", "float64-1xL", "Lx1", "extremes"],
)
@pytest.mark.parametrize("sample_rate", [44100, 16000, 8000.0])
def test_same_value_as_torch(samples: np.ndarray, sample_rate: float) -> None:
    theirs = torch_summary.audio("a", samples, sample_rate=sample_rate).value[0]
    assert _ours("a", samples, sample_rate).SerializeToString() == theirs.SerializeToString()


def test_out_of_range_samples_are_clipped_as_torch_clips_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    samples = np.array([-3.0, -1.0, 0.25, 1.5, np.inf], dtype=np.float32)
    theirs = torch_summary.audio("a", samples).value[0]
    assert "out of range" in capsys.readouterr().out  # torch prints; we report `clipped`
    pcm, clipped = audio.to_pcm16(samples)
    assert clipped
    assert pcm.tolist() == [-32767, -32767, 8191, 32767, 32767]
    assert audio.audio_value("a", pcm, 44100).SerializeToString() == theirs.SerializeToString()


def test_nan_is_silence_and_in_range_is_not_clipped() -> None:
    pcm, clipped = audio.to_pcm16(np.array([np.nan, 0.5, -1.0]))
    assert pcm.tolist() == [0, 16383, -32767] and not clipped


def test_integer_samples_are_taken_as_amplitudes() -> None:
    pcm, clipped = audio.to_pcm16(np.array([-1, 0, 1, 2], dtype=np.int16))
    assert pcm.tolist() == [-32767, 0, 32767, 32767] and clipped


def test_float16_full_scale_does_not_wrap_around() -> None:
    # torch multiplies in float16, where 32767 rounds to 32768 and wraps to -32768.
    pcm, _ = audio.to_pcm16(np.array([1.0, -1.0, 0.5], dtype=np.float16))
    assert pcm.tolist() == [32767, -32767, 16383]


def test_wav_round_trips() -> None:
    samples = np.sin(np.linspace(0, 20, 800))
    value = _ours("a", samples, 22050)
    assert (value.audio.length_frames, value.audio.num_channels) == (800, 1)
    decoded, rate = audio.decode_wav(value.audio.encoded_audio_string)
    assert rate == 22050 and decoded.shape == (800, 1)
    np.testing.assert_allclose(decoded[:, 0], samples, atol=1 / 32767)


def test_decode_reads_old_style_and_tensorboard_migrated_values() -> None:
    from tensorboard.compat.proto.summary_pb2 import Summary as TBSummary
    from tensorboard.data_compat import migrate_value

    value = _ours("a", RNG.random(100) - 0.5)
    (old,) = audio.decode(value)
    assert old.data == value.audio.encoded_audio_string and old.content_type == "audio/wav"
    migrated = migrate_value(TBSummary.Value.FromString(value.SerializeToString()))
    assert migrated.metadata.plugin_data.plugin_name == audio.PLUGIN_NAME
    assert audio.decode(Summary.Value.FromString(migrated.SerializeToString())) == [old]
    with pytest.raises(ValueError, match="'x': expected audio, got a simple_value"):
        audio.decode(Summary.Value(tag="x", simple_value=1.0))


def test_decode_reads_a_one_dimensional_tensor_of_clips() -> None:
    from trainboard.format.kinds.tensor import ndarray_to_tensor

    value = Summary.Value(tag="a", tensor=ndarray_to_tensor(np.array([b"w1", b"w2"], dtype=object)))
    assert [clip.data for clip in audio.decode(value)] == [b"w1", b"w2"]


def test_decode_wav_rejects_other_sample_widths() -> None:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x01")
    with pytest.raises(ValueError, match="expected 16-bit PCM, got 8-bit"):
        audio.decode_wav(buffer.getvalue())


def test_golden(golden: Golden) -> None:
    golden.check("audio_ramp", _ours("ramp", np.linspace(-1, 1, 9), 8000))
