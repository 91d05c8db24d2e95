"""The embedded local library: a folder per bucket, one SQLite file, the dlib face engine."""
