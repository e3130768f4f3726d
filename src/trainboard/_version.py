"""The package version, importable from every layer without loading the package's API."""

__version__ = "0.1.0.dev0"
