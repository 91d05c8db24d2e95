"""The configurable names of the finpics cloud contract, with the contract's defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Names:
    """Every resource name the contract lets an installation change."""

    region: str = "us-east-1"
    pics_bucket: str = "finpics-pics"
    thumbs_bucket: str = "finpics-thumbs"
    site_bucket: str = "finpics.com"
    collection: str = "finpics"
    pics_table: str = "pics"
    image_table: str = "pics_by_image_id"
    private_table: str = "finpics_private"  # the curator's records: never the public site's
    search_function: str = "finpics-dev-search"
    process_function: str = "finpics-dev-s3"

    def with_overrides(self, **overrides: str | None) -> Names:
        """A copy with every non-empty override applied (unknown keys are an error)."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown resource name(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in overrides.items() if v})
