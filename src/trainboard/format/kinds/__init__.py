"""One module per data kind: the contract between the writer and the reader.

Each module holds the plugin name TensorBoard's dashboards look for (``PLUGIN_NAME``),
the plugin-data ``VERSION``, pure ``encode``-style functions that turn values into
``Summary.Value`` protos (no files, no threads), and the ``decode`` functions the
reader uses, so what is written and how it is read are defined in one place.
"""
