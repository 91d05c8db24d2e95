"""One keyring policy for the window and the command line: on a keyring that is not a secure
store, both say so, and no secret is stored in it nor read from it (as Vorta does); on a
secure one, keys go there and nowhere else."""

from __future__ import annotations

import keyring
import pytest
from memory_keyring import MemoryKeyring

from finpics_desktop import cli
from finpics_desktop.app.albums import open_cloud
from finpics_desktop.app.credentials import (
    SERVICE,
    InsecureKeyring,
    keyring_problem,
    load_access_keys,
    save_access_keys,
)
from finpics_desktop.app.options import CloudOptions


class PlaintextKeyring(MemoryKeyring):
    """Like keyrings.alt's plaintext file: it works, but anyone who reads the disk reads it."""

    priority = 1


@pytest.fixture(params=["fail", "plaintext"])
def insecure_keyring(request):
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    ring = FailKeyring() if request.param == "fail" else PlaintextKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def test_an_insecure_keyring_is_said_and_never_holds_a_secret(insecure_keyring):
    problem = keyring_problem()
    assert problem is not None and "No secure keyring" in problem
    with pytest.raises(InsecureKeyring, match="No secure keyring"):
        save_access_keys("AKIAEXAMPLE", "secret-value")
    assert getattr(insecure_keyring, "store", {}) == {}  # nothing written
    if isinstance(insecure_keyring, PlaintextKeyring):  # what another tool left there
        insecure_keyring.store[(SERVICE, "default")] = (
            '{"access_key_id": "AKIAOLD", "secret_access_key": "old"}')
    assert load_access_keys() is None  # ... is not read either
    with pytest.raises(InsecureKeyring):  # asked for by name: said, not silently ignored
        open_cloud(CloudOptions(keyring_account="default"))


def test_the_command_line_refuses_the_same_way(insecure_keyring, monkeypatch, capsys):
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "AKIAEXAMPLE")
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "secret")
    assert cli.main(["aws-keys"]) == 1
    err = capsys.readouterr().err
    assert "No secure keyring" in err and "secret" not in err
    assert asked == []  # refused before the secret is typed
    assert getattr(insecure_keyring, "store", {}) == {}


def test_a_secure_keyring_keeps_the_keys(memory_keyring, monkeypatch, capsys):
    assert keyring_problem() is None
    save_access_keys(" AKIAEXAMPLE ", "secret-value", "work")
    assert load_access_keys("work") == ("AKIAEXAMPLE", "secret-value")
    assert load_access_keys("other") is None
    monkeypatch.setattr("builtins.input", lambda prompt: "AKIACLI")
    monkeypatch.setattr("getpass.getpass", lambda prompt: "cli-secret")
    assert cli.main(["aws-keys", "--account", "cli"]) == 0
    assert load_access_keys("cli") == ("AKIACLI", "cli-secret")
    assert "cli-secret" not in capsys.readouterr().err
    with pytest.raises(Exception, match="both the access key id and the secret"):
        save_access_keys("AKIA", " ")
