"""The window's *Check what the public can read…* on the cloud's menu: audit runs off the GUI
thread and answers with a question saying what leaks (or that nothing does)."""

from __future__ import annotations

from tests.aws.test_window_cloud import window  # noqa: F401  (the fixture)


def test_the_cloud_menu_audits_what_the_public_can_read(qtbot, window):  # noqa: F811
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=30_000)
    assert window.audit_action in window.context_menus._tree(window.sources.cloud.index())
    window.audit_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "audit_question", None) is not None
                    and window.audit_question.isVisible(), timeout=120_000)
    box = window.audit_question
    assert box.windowTitle() == "What the public can read"
    assert ("Nothing private is public" in box.text()
            or "the public can read should be private" in box.text())
    assert "refused" in box.detailedText() or "allowed" in box.detailedText()  # role tried
    box.reject()
