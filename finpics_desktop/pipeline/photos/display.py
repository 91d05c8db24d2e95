"""A photo decoded for display: upright 8-bit RGB pixels at a bounded size (draft decoding),
plus the box ratios of the upright image the face records use."""

from __future__ import annotations

from dataclasses import dataclass

from finpics_desktop.pipeline.photos.images import ImageInfo, decode_upright

DISPLAY_SIDE = 2560


@dataclass(frozen=True)
class DisplayImage:
    rgb: bytes  # width * height * 3 bytes, rows top to bottom
    width: int
    height: int
    info: ImageInfo  # the original's size and EXIF orientation

    @property
    def bytes_per_line(self) -> int:
        return self.width * 3


def decode_for_display(data: bytes, name: str, max_side: int = DISPLAY_SIDE) -> DisplayImage:
    """Raises :class:`~finpics_desktop.domain.errors.UnsupportedImage` with the reason."""
    image, info = decode_upright(data, name, max_side)
    return DisplayImage(image.tobytes(), image.width, image.height, info)
