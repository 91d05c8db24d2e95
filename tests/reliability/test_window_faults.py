"""The window publishing onto the cloud through an endpoint that fails 30 % of its calls: the
job ends with everything published and a clear report, and the window keeps handling events
throughout (its event loop runs between every two photos of the job)."""

from __future__ import annotations

from fault_proxy import FaultProxy
from PySide6.QtCore import QTimer
from reliability_helpers import make_job

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
from finpics_desktop.pipeline.publish.upload import DONE

PICSET = "304_window_faults"


def test_window_stays_responsive_and_publishes_everything_through_faults(
        qtbot, qt_settings, tmp_path, monkeypatch, library, remote_cloud):
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.settings import AppSettings
    from finpics_desktop.ui.workers import wait_all

    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in remote_cloud.env().items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    src = tmp_path / "faulty"
    make_job(src, 24, with_face_every=6, seed=21)

    with FaultProxy(remote_cloud.url, failure_rate=0.3, seed=40) as proxy:
        window = MainWindow(library, settings=AppSettings(aws_enabled=True,
                                                          endpoint_url=proxy.url),
                            thumb_cache=ThumbCache(tmp_path / "thumbs"))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=60_000)

        ticks = [0]
        heartbeat = QTimer()
        heartbeat.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
        heartbeat.start(5)
        seen: list[int] = []  # the heartbeat count when each photo's result reached the window
        job = window.start_upload(window.cloud_backend, [src], PICSET)
        job.file_finished.connect(lambda *_: seen.append(ticks[0]))
        qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=180_000)
        heartbeat.stop()
        report = window.upload_panel.report
        faults = proxy.stats["calls"] - proxy.stats["forwarded"]
        # the cloud processes each photo on its own; the window shows each once its item exists
        direct = open_aws(Names(), remote_cloud.settings())
        qtbot.waitUntil(lambda: len(direct.tables.query_pics(PICSET)) == 24, timeout=180_000)
        qtbot.waitUntil(lambda: len(window.model.entries) == 24, timeout=60_000)
        window.close()
        assert wait_all(120_000)

    assert report.ok, [r.line() for r in report.results if r.status != DONE]
    assert len(report.with_status(DONE)) == 24
    assert report.summary().startswith(f"published 24 of 24 photo(s) to {titled(PICSET)}")
    assert faults > 0
    # results came one by one, with the event loop turning in between (never one burst at the
    # end, which is what a blocked GUI thread would show)
    assert len(seen) == 24
    assert len(set(seen)) >= 12, seen
    assert ticks[0] > seen[0]
    assert len(list(direct.store.list(direct.names.pics_bucket, f"photos/{PICSET}/"))) == 24
    assert len(list(direct.store.list(direct.names.thumbs_bucket, f"photos/{PICSET}/"))) == 24
    direct.close()
