"""Parsing an embedding's files: tensors.tsv (naming bad lines) and metadata.tsv."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trainboard.projector.embeddings import _count_tsv, parse_metadata, parse_tensor_tsv


def test_tsv_parsing_matches_numpy_and_names_bad_lines(tmp_path: Path) -> None:
    text = "1\t2.5\tnan\n-3e2\tinf\t0.10000000149011612\n\n4\t5\t6"
    parsed = parse_tensor_tsv(text.encode(), "t.tsv")
    expected = np.array([[1, 2.5, np.nan], [-300, np.inf, 0.1], [4, 5, 6]], dtype=np.float32)
    np.testing.assert_array_equal(parsed, expected)
    path = tmp_path / "t.tsv"
    path.write_text(text + "\n\n")
    with path.open("rb") as f:
        assert _count_tsv(f) == (4, 3)  # the blank line inside counts: an estimate
    with pytest.raises(ValueError, match=r"line 2 has 2 values, but line 1 has 3"):
        parse_tensor_tsv(b"1\t2\t3\n4\t5\n", "t.tsv")
    with pytest.raises(ValueError, match=r"line 2 holds 'abc', which is not a number"):
        parse_tensor_tsv(b"1\t2\n4\tabc\n", "t.tsv")


def test_metadata_of_the_wrong_length_is_fitted_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "m.tsv"
    path.write_text("a\tb\r\nx\ty\r\nz\r\n")
    short = parse_metadata(path.read_bytes(), path.name, 3)
    assert short.columns == ("a", "b")
    assert short.values == (("x", "z", ""), ("y", "", ""))
    assert short.warning is not None and "2 rows of labels for 3 points" in short.warning
    assert parse_metadata(path.read_bytes(), path.name, 1).values == (("x",), ("y",))
