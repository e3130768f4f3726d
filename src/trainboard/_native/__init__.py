"""Fast kernels behind the heavy calls, each with a portable fallback.

Every ``_<name>.c`` here is an optional C extension ``trainboard._native._<name>``,
built by ``setup.py`` when a C compiler is available; the modules using one fall back
to numpy/Python with identical results when it is missing (or when the environment
variable ``TRAINBOARD_PURE_PYTHON`` is set).

- ``_histogram``: one-pass histogram bucket counts and statistics over a
  float32/float64 buffer, used by :mod:`trainboard._native.histogram_cpu`.
- :mod:`trainboard._native.histogram_torch`: the same counts with torch ops on the
  tensor's own device (CUDA), so that only the counts reach the host.
"""
