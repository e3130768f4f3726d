"""The board's web server: an ASGI app over a data provider, and its push channel."""
