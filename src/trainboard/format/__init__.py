"""The bytes on disk: TFRecord framing, event files and one module per data kind."""
