"""One module per data kind: the contract between the writer and the reader.

Each module holds the plugin name TensorBoard's dashboards look for (``PLUGIN_NAME``),
the plugin-data ``VERSION``, pure ``encode``-style functions that turn values into
``Summary.Value`` protos (no files, no threads), and the functions that read them
back: ``decode`` for a value, and for what the data layer keeps of a point (the
array or blobs TensorBoard's readers migrate a value to) ``decode_array``,
``decode_strings``, ``decode_blobs`` and the like. The data layer and the server
read every kind through these, so what is written and how it is read are defined in
one place. Nothing here imports the writer, the data layer or the server.
"""
