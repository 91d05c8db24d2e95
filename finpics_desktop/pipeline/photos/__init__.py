"""Photo files: reading them safely, decoding for display and thumbnails, their EXIF, and taking
their location out."""
