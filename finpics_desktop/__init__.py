"""finpics-desktop: the curator's side of finpics, the face-searchable serverless photo album."""

__version__ = "0.1.0"
