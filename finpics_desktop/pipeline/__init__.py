"""The processing and search pipeline: pure Python over the ports, the same code in Lambda,
in the desktop app's local library and in tests."""
