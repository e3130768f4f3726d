"""One module per dashboard: pure ``*_impl(provider, ...)`` functions and thin handlers.

Each module exposes ``ROUTES`` (Starlette routes) and ``OPENAPI`` (path -> operation
objects) which :func:`trainboard.server.app.create_app` assembles.
"""
