"""The embedded local library: a folder per bucket, one SQLite file, the YuNet + SFace
face engine."""
