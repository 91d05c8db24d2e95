"""A local AWS-compatible stack for tests and for previewing before publishing: moto in server
mode plus the project's own Rekognition and Lambda endpoints, behind one loopback URL."""

from finpics_desktop.localcloud.stack import LocalCloud

__all__ = ["LocalCloud"]
