"""The ``trainboard`` command line."""
