"""What an empty grid says, and which actions it offers: the first start on an empty library
(open a folder, drop photos to publish, connect the cloud), an empty picset, a folder without
photos, a cloud not connected, a listing cancelled or failed. A decision on plain state; the
window draws it in the grid's place, its actions as buttons."""

from __future__ import annotations

from dataclasses import dataclass

from finpics_desktop.app.window.navigation import CLOUD, FOLDER, LIBRARY, PICSET_PLACE, Place

# what the buttons do (the window's actions of the same meaning)
OPEN_FOLDER, PUBLISH, CONNECT_CLOUD, REFRESH, SETTINGS = (
    "open-folder", "publish", "connect-cloud", "refresh", "settings")
ACTION_TEXTS = {
    OPEN_FOLDER: "Open a folder…",
    PUBLISH: "Publish a folder…",
    CONNECT_CLOUD: "Connect the finpics cloud…",
    REFRESH: "List it again",
    SETTINGS: "Settings…",
}


@dataclass(frozen=True)
class EmptyState:
    title: str
    text: str
    actions: tuple[str, ...] = ()
    icon: str = "finpics-library"  # the name of an action icon


def empty_state(place: Place | None, *, cancelled: bool = False, failed: str = "",
                cloud_shown: bool = False) -> EmptyState | None:
    """What the grid says when ``place`` has nothing to show (None: nothing to say)."""
    if place is None:
        return None
    if cancelled:
        return EmptyState("Listing cancelled", "Nothing is shown until it is listed again "
                          "(F5).", (REFRESH,), icon="view-refresh")
    if failed:
        return EmptyState("This cannot be listed", failed[0].upper() + failed[1:] + ".",
                          (REFRESH,), icon="process-stop")
    if place.kind == LIBRARY:
        if place.backend is None:
            return EmptyState("The library cannot be opened",
                              (place.problem or "See the Messages panel") + ". Choose another "
                              "library folder in Settings; the folders of this computer and "
                              "the cloud still work.", (SETTINGS, OPEN_FOLDER),
                              icon="process-stop")
        if place.backend.read_only:
            return EmptyState("The library is empty", "It is read-only: nothing can be "
                              "published into it.", (OPEN_FOLDER,))
        return EmptyState(
            "Your library is empty",
            "Publish photos to start: open a folder of this computer and publish it, or drop "
            "photos or a folder here. Each folder becomes a picset; every face in it is found "
            "and can be searched. Connect the finpics cloud to publish your site.",
            (OPEN_FOLDER, PUBLISH) + (() if cloud_shown else (CONNECT_CLOUD,)))
    if place.kind == CLOUD:
        if place.backend is None:
            if place.problem and place.problem != "connecting…":
                return EmptyState("finpics cloud is not connected", place.problem[0].upper()
                                  + place.problem[1:] + ".", (CONNECT_CLOUD,),
                                  icon="network-server")
            return EmptyState("Connecting to the finpics cloud…", "", icon="network-server")
        return EmptyState("No picset on the finpics cloud yet",
                          "Drop photos or a folder here to publish them to the cloud, or open "
                          "a folder of this computer and drag it onto finpics cloud.",
                          (OPEN_FOLDER,), icon="network-server")
    if place.kind == PICSET_PLACE:
        return EmptyState("This picset has no photos",
                          "Its photos appear here as they are published; drop photos here to "
                          "add them to it.", icon="image-x-generic")
    if place.kind == FOLDER:
        return EmptyState("No photos in this folder",
                          "finpics shows .jpg, .jpeg and .png files. Its subfolders are under "
                          "it in This computer.", (OPEN_FOLDER,), icon="folder-open")
    return None


def drop_label(place: Place | None) -> str:
    """What dropping photos on the grid showing ``place`` does ("" where nothing is
    published: a folder of this computer, an album that cannot be written)."""
    if place is None or place.backend is None or place.backend.read_only:
        return ""
    if place.kind == LIBRARY:
        return "Drop to publish into the Library"
    if place.kind == CLOUD:
        return "Drop to publish to the finpics cloud"
    if place.kind == PICSET_PLACE:
        return f"Drop to add to {place.title or place.picset}"
    return ""
