"""The publishing policy of the application layer, the same for the window and the command
line, on a real library and real journal: which picset (new, numbered when the job starts;
the folder's picset of before; an interrupted job resumed), the proposal the New picset dialog
shows, conflicts settled by the curator's choice, and waiting until a photo is processed."""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time

import pytest

from finpics_desktop.app.processed import ProcessedWait
from finpics_desktop.app.publish import (
    Publishing,
    PublishPlan,
    conflict_plan,
    plan_publish,
    propose,
    resume_plan,
    unfinished_jobs,
)
from finpics_desktop.domain.errors import InvalidName
from finpics_desktop.pipeline.publish.journal import journal_for
from finpics_desktop.pipeline.publish.upload import CANCELLED, DONE, NewPicset


@pytest.fixture
def journal(library):
    j = journal_for(library)
    yield j
    j.close()


def publish(library, journal, plan: PublishPlan, **run):
    report = Publishing(library, plan, journal).run(**run)
    return report


def test_a_new_folder_gets_a_new_picset_numbered_when_the_job_starts(library, journal,
                                                                     copy_photos):
    folder = copy_photos("faces/biden/biden.jpg", folder="Summer Trip")
    plan = plan_publish(library, journal, [folder])
    assert plan.picset == NewPicset("Summer Trip") and plan.resume is None
    assert plan.on_conflict == "fail" and plan.sources == (folder.absolute(),)
    started = []
    report = publish(library, journal, plan, on_start=started.append)
    assert report.ok and started == ["001_Summer_Trip"] == [report.picset]


def test_the_same_folder_again_goes_on_into_its_picset(library, journal, copy_photos,
                                                       photos_dir):
    folder = copy_photos("faces/biden/biden.jpg", folder="trip")
    assert publish(library, journal, plan_publish(library, journal, [folder])).ok
    shutil.copy(photos_dir / "faces/obama/obama.jpg", folder / "obama.jpg")  # one more photo
    again = plan_publish(library, journal, [folder])
    assert again.picset == "001_trip" and again.reused
    report = publish(library, journal, again)
    assert report.ok and [r.name for r in report.with_status(DONE)] == ["obama.jpg"]
    # never a second picset of the same photos
    assert [p["sortkey"] for p in library.tables.query_pics("/")] == ["001_trip"]


def test_an_interrupted_job_of_the_same_folder_is_resumed(library, journal, copy_photos):
    folder = copy_photos("faces/biden", "faces/obama/obama.jpg", folder="trip")
    plan = plan_publish(library, journal, [folder])
    job = Publishing(library, plan, journal, workers=1)
    first = job.run(lambda *_: job.cancel())  # stopped after its first photo
    assert first.with_status(CANCELLED)
    [interrupted] = unfinished_jobs(library)
    again = plan_publish(library, journal, [folder])
    assert again.resume == interrupted and again.picset == first.picset
    assert resume_plan(interrupted).resume_job == interrupted.id
    assert publish(library, journal, again).ok
    assert unfinished_jobs(library) == []
    fresh = plan_publish(library, journal, [folder], resume=False)  # --no-resume
    assert fresh.resume is None and fresh.reused


def test_the_proposal_shows_the_next_id_and_keeps_the_new_picset_if_unchanged(
        library, journal, copy_photos):
    first = copy_photos("faces/biden/biden.jpg", folder="one")
    assert publish(library, journal, plan_publish(library, journal, [first])).ok
    folder = copy_photos("faces/obama/obama.jpg", folder="Road Trip")
    proposal = propose(library, journal, [folder])
    assert proposal.picset_id == "002_Road_Trip" and proposal.existing == {"001_one"}
    assert proposal.title == "Road Trip" and proposal.number == "002"
    assert proposal.choose("002_Road_Trip").picset == NewPicset("Road Trip")
    # another title: a new picset of that title, numbered when it starts too
    assert proposal.id_for("Road trip: Lisbon & Porto") == "002_Road_trip_Lisbon_Porto"
    assert proposal.choose("002_Road_trip_Lisbon_Porto", "Road trip: Lisbon & Porto").picset == (
        NewPicset("Road trip: Lisbon & Porto"))
    with pytest.raises(InvalidName, match="nothing of “&&” can travel"):
        proposal.id_for("&&")
    assert proposal.choose(" 007_mine ").picset == "007_mine"
    # meanwhile another job takes 002: the unchanged proposal is numbered when it starts
    other = copy_photos("faces/rose_leslie/img1.jpg", folder="other")
    assert publish(library, journal, plan_publish(library, journal, [other])).ok
    report = publish(library, journal, proposal.choose("002_Road_Trip"))
    assert report.picset == "003_Road_Trip"


def test_new_picsets_started_at_once_get_different_numbers(library, copy_photos):
    folders = [copy_photos("faces/biden/biden.jpg", folder=f"{n}/photos") for n in "xy"]
    reports, barrier = [], threading.Barrier(2)

    def run(folder):
        journal = journal_for(library)
        try:
            plan = plan_publish(library, journal, [folder])
            barrier.wait()
            reports.append(Publishing(library, plan, journal).run())
        finally:
            journal.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in folders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(r.picset for r in reports) == ["001_photos", "002_photos"]


def test_a_taken_name_is_settled_by_the_curators_choice(library, journal, copy_photos,
                                                        photos_dir, tmp_path):
    first = copy_photos("faces/biden/biden.jpg", folder="first")
    assert publish(library, journal, PublishPlan.of([first], "001_c")).ok
    second = tmp_path / "second"
    second.mkdir()
    shutil.copy(photos_dir / "faces/obama/obama.jpg", second / "biden.jpg")
    report = publish(library, journal, plan_publish(library, journal, [second],
                                                    picset="001_c"))
    assert [r.name for r in report.conflicts] == ["biden.jpg"]  # the default: fail, reported
    keep_both = conflict_plan(report, "rename")
    assert keep_both.picset == "001_c" and keep_both.on_conflict == "rename"
    assert keep_both.sources == (second / "biden.jpg",)
    assert publish(library, journal, keep_both).ok
    assert {i["sortkey"] for i in library.tables.query_pics("001_c")} == {
        "biden.jpg", "biden-2.jpg"}


def test_waiting_until_processed(library, journal, copy_photos):
    folder = copy_photos("faces/biden/biden.jpg", "faces/obama/obama.jpg", folder="w")
    assert publish(library, journal, PublishPlan.of([folder], "001_w")).ok
    # the library: processed at once, looked up once
    wait = ProcessedWait(library)
    assert wait.add("001_w", "biden.jpg") is True
    assert wait.add("001_w", "missing.jpg") is False  # one wait at a time
    found = []
    wait.wait(found.extend)
    assert [e.name for e in found] == ["biden.jpg"] and wait.pending == []
    assert found[0].backend is library and len(found[0].faces) == 1

    # a backend whose processing comes later (as the cloud's): looked up until it is there
    cloud_like = dataclasses.replace(library, process=None)
    key = ("001_w", "obama.jpg")
    item = library.tables.get_pics_item(*key)
    library.tables.delete_pics_item(*key)  # "sent, not processed yet"
    ticks, looked = [], threading.Event()

    def clock() -> float:  # read when a photo is added, then at each look that misses it
        ticks.append(1)
        if len(ticks) >= 3:
            looked.set()
        return time.monotonic()

    later = ProcessedWait(cloud_like, interval=0.01, clock=clock)
    assert later.patience > 0 and later.add(*key)
    arrived, shown = threading.Event(), []

    def on_processed(entries):
        shown.extend(entries)
        arrived.set()

    waiter = threading.Thread(target=later.wait, args=(on_processed,))
    waiter.start()
    assert looked.wait(30) and not arrived.is_set()
    library.tables.put_pics_item(item)  # the processing function writes it
    assert arrived.wait(30)
    waiter.join(30)
    assert [e.name for e in shown] == ["obama.jpg"] and later.pending == []
