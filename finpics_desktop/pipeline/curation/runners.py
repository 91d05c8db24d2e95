"""Which function runs (or completes) each kind of operation."""

from __future__ import annotations

from finpics_desktop.pipeline.curation.moves import run_copy, run_relocate
from finpics_desktop.pipeline.curation.picsets import run_cover
from finpics_desktop.pipeline.curation.trash import run_empty, run_restore, run_trash
from finpics_desktop.pipeline.people_merge import MERGE, run_in_curation

RUNNERS = {"relocate": run_relocate, "copy": run_copy, "cover": run_cover,
           "trash": run_trash, "restore": run_restore, "empty": run_empty,
           MERGE: run_in_curation}
