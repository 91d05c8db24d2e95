"""The settings' declarations, without Qt (as the command line could read them): what a
stored value loads as, what is stored and where, what a declaration refuses."""

from __future__ import annotations

import logging

import pytest

from finpics_desktop.app.option_kinds import (
    BoolOption,
    Declarations,
    FloatOption,
    IntOption,
    InvalidSetting,
    TextOption,
)
from finpics_desktop.app.settings import SETTINGS, Settings


class DictStore:
    """A store as plain as a dict (QSettings in the window)."""

    def __init__(self, values=None):
        self.values = dict(values or {})
        self.synced = False

    def value(self, key):
        return self.values.get(key)

    def setValue(self, key, value):  # noqa: N802 - QSettings' name
        self.values[key] = value

    def sync(self):
        self.synced = True


@pytest.mark.parametrize("raw, expected", [
    ("yes", True), ("1", True), ("true", True), ("TRUE", True), (" on ", True), (True, True),
    (1, True), ("no", False), ("0", False), ("false", False), ("Off", False), (False, False),
    (0, False)])
def test_a_stored_yes_or_no_loads_as_declared(raw, expected, caplog):
    loaded = Settings.load_from(DictStore({"aws/enabled": raw, "publish/remove_location": raw}))
    assert (loaded.aws_enabled, loaded.remove_location) == (expected, expected)
    assert not caplog.records


def test_a_stored_value_none_of_its_options_loads_as_the_default_with_a_warning(caplog):
    store = DictStore({"aws/enabled": "garbage", "publish/remove_location": "maybe",
                       "library": ["a", "b"],  # an INI line with a comma, hand-written
                       "aws/profile": 7, "aws/names/pics_bucket": "my-pics"})
    with caplog.at_level(logging.WARNING):
        loaded = Settings.load_from(store)
    assert (loaded.aws_enabled, loaded.remove_location, loaded.library) == (False, True, "")
    assert loaded.aws_profile == "7" and loaded.names == {"pics_bucket": "my-pics"}
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 3, said
    assert any("Remove location from published photos: 'maybe' is not yes or no" in s
               and "'publish/remove_location'" in s and "the default, yes, is used" in s
               for s in said), said
    assert any("'garbage'" in s and "Show the finpics cloud" in s for s in said), said
    assert any("Library folder: ['a', 'b'] is not a line of text" in s for s in said), said


def test_the_stored_keys_are_those_of_the_versions_before():
    """So that every user keeps what they had set."""
    store = DictStore()
    Settings(aws_enabled=True, names={"region": "eu-west-1", "pics_bucket": "finpics-pics"},
             remove_location=False).save_to(store)
    names = ("region", "pics_bucket", "thumbs_bucket", "site_bucket", "collection",
             "pics_table", "image_table", "private_table", "search_function",
             "process_function")
    assert set(store.values) == {"library", "aws/enabled", "aws/profile", "aws/endpoint_url",
                                 "publish/remove_location", "window/appearance",
                                 "window/places", "aws/rekognition_tps"} | {
                                     f"aws/names/{n}" for n in names}
    assert store.values["aws/enabled"] is True and store.values["publish/remove_location"] is False
    # a name equal to the contract's is stored empty: a later contract's default reaches it
    assert store.values["aws/names/region"] == "eu-west-1"
    assert store.values["aws/names/pics_bucket"] == "" and store.synced
    assert Settings.load_from(store) == Settings(aws_enabled=True, remove_location=False,
                                                 names={"region": "eu-west-1"})


def test_a_value_set_in_code_is_checked_by_its_declaration():
    with pytest.raises(InvalidSetting, match=r"Show the finpics cloud .*'perhaps' is not yes"):
        Settings(aws_enabled="perhaps")
    settings = Settings(remove_location="no")
    assert settings.remove_location is False
    settings.remove_location = "1"
    assert settings["remove_location"] is True
    with pytest.raises(InvalidSetting, match="no setting 'colour'"):
        Settings(colour="red")
    with pytest.raises(InvalidSetting, match="unknown resource name"):
        Settings(names={"bucket": "b"})
    with pytest.raises(AttributeError):
        _ = settings.colour


def test_every_declared_default_is_one_of_its_values_and_nothing_is_a_secret():
    for option in SETTINGS:
        assert option.convert(option.default) == option.default, option.name
        assert "secret" not in option.key and "key_id" not in option.key


def test_a_declaration_refuses_a_secret_and_its_own_mistakes():
    declared = Declarations()
    declared.group("general")
    with pytest.raises(ValueError, match="OS keyring"):
        declared.declare(TextOption(name="secret_access_key", key="aws/secret",
                                    title="Secret"))
    with pytest.raises(ValueError, match="no declared group"):
        declared.declare(BoolOption(name="x", key="x", title="X", group="nowhere"))
    with pytest.raises(ValueError, match="not one of its values"):
        declared.declare(IntOption(name="n", key="n", title="N", minimum=1))
    declared.declare(BoolOption(name="x", key="x", title="X", group="general"))
    with pytest.raises(ValueError, match="declared twice"):
        declared.declare(BoolOption(name="y", key="x", title="Y"))
    assert [o.name for o in declared.shown_in("general")] == ["x"]


@pytest.mark.parametrize("typed, expected", [("5", 5), (" 7 ", 7), (3.0, 3), (9, 9)])
def test_a_whole_number_option_converts_what_is_typed(typed, expected):
    copies = IntOption(name="copies", key="copies", title="Copies kept", default=2, minimum=1,
                       maximum=9)
    assert copies.convert(typed) == expected


@pytest.mark.parametrize("typed", ["lots", "0", "10", "2.5", True, ""])
def test_a_number_that_is_not_one_of_the_options_is_said_with_the_option(typed):
    copies = IntOption(name="copies", key="copies", title="Copies kept", default=2, minimum=1,
                       maximum=9)
    with pytest.raises(InvalidSetting) as caught:
        copies.convert(typed)
    assert str(caught.value) == f"Copies kept: {typed!r} is not a whole number from 1 to 9"


def test_a_number_option():
    ratio = FloatOption(name="ratio", key="ratio", title="Ratio", default=0.5, minimum=0)
    assert ratio.convert("0.25") == 0.25 and ratio.text(0.25) == "0.25"
    for typed in ("nan", "inf", "-1", "half"):
        with pytest.raises(InvalidSetting, match="is not a number of at least 0"):
            ratio.convert(typed)
