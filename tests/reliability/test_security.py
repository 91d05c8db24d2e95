"""Secrets only in the OS keyring: a session with pasted access keys (Settings dialog -> keyring;
the window connecting to the cloud with them; CLI uploads, check and listing with -v logging),
then every file the session wrote (settings, journal, library, caches, logs) and everything it
printed is scanned for the keys. No shell=True, eval or pickle in the code (ruff's S rules and
an AST scan)."""

from __future__ import annotations

import ast
import base64
import json
import logging
import random
import string
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from reliability_helpers import make_job

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "finpics_desktop"


def _random(alphabet: str, n: int, rng: random.Random) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


@pytest.fixture
def session_env(tmp_path, monkeypatch, qapp, memory_keyring):
    """Everything the app may write goes under ``tmp_path / "home"``."""
    from PySide6.QtCore import QSettings

    from finpics_desktop.ui.app import init_application

    home = tmp_path / "home"
    for sub in ("config", "data", "cache"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    for var in ("FINPICS_JOURNAL", "FINPICS_CACHE", "FINPICS_LIBRARY", "FINPICS_ENDPOINT_URL",
                "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
                "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    init_application()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(home / "config"))
    yield home, memory_keyring
    QSettings().clear()


def test_pasted_keys_are_only_in_the_keyring(tmp_path, session_env, remote_cloud, qtbot,
                                             capsys, caplog, engine):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from finpics_desktop import cli
    from finpics_desktop.backends.local.library import open_library
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.settings import AppSettings, SettingsDialog
    from finpics_desktop.ui.workers import wait_all

    home, ring = session_env
    rng = random.Random()
    key_id = "AKIA" + _random(string.ascii_uppercase + string.digits, 16, rng)
    secret = _random(string.ascii_letters + string.digits + "/+", 40, rng)

    # 1. the curator pastes the keys into Settings
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    dialog.field("aws_enabled").setChecked(True)
    dialog.field("endpoint_url").setText(remote_cloud.url)
    dialog.key_id.setText(key_id)
    dialog.secret.setText(secret)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert any(key_id in v and secret in v for v in ring.store.values())

    # 2. a session: the window connects to the cloud with them; uploads, listing and a check
    log_file = home / "data" / "session.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="finpics_desktop")
    src = tmp_path / "photos"
    make_job(src, 6, with_face_every=3)
    try:
        cloud_args = ["-v", "--backend", "aws", "--endpoint-url", remote_cloud.url]
        assert cli.main([*cloud_args, "upload", str(src), "--picset", "401_secure"]) == 0
        assert cli.main([*cloud_args, "upload", str(src), "--picset", "401_secure"]) == 0
        assert cli.main([*cloud_args, "picsets", "--json"]) == 0
        assert cli.main([*cloud_args, "check"]) in (0, 1)  # the stack may still be processing
        assert cli.main(["-v", "upload", str(src)]) == 0  # the local library too

        library = open_library(home / "data" / "finpics-desktop" / "library", engine=engine)
        window = MainWindow(library, settings=AppSettings.load())
        qtbot.addWidget(window)
        window.show()
        def listed():
            cloud = window.sources.cloud
            assert cloud is not None and window.cloud_backend is not None, (
                window.messages.texts())
            texts = [cloud.child(r).text() for r in range(cloud.rowCount())]
            assert any("secure" in t for t in texts), (texts, window.messages.texts())

        qtbot.waitUntil(listed, timeout=60_000)
        window.close()
        assert wait_all(60_000)  # no worker of the window outlives the test
        library.close()
    finally:
        root.removeHandler(handler)
        handler.close()
    printed = capsys.readouterr()

    # 3. nothing the session wrote or printed holds the keys
    assert (home / "data" / "finpics-desktop" / "journal.sqlite3").is_file()
    assert any(p.suffix == ".ini" for p in (home / "config").rglob("*"))
    forms = {secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode(), key_id}
    texts = {"stdout": printed.out, "stderr": printed.err, "log records": caplog.text}
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        texts[str(path)] = data.decode("utf-8", "replace") + data.decode("utf-16-le", "replace")
    assert len(texts) > 10
    for where, text in texts.items():
        for form in forms:
            assert form not in text, f"a pasted key is in {where}"
        assert "X-Amz-Signature" not in text and "Signature=" not in text, where
    assert log_file.stat().st_size > 0 and "publishing" in printed.err
    assert not (home / ".aws").exists()


def test_ruff_security_rules_are_clean():
    """flake8-bandit (S) findings with the project's configuration (pyproject.toml)."""
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "json",
                             "--exit-zero", str(PACKAGE)],
                            cwd=REPO, capture_output=True, text=True, check=True)
    findings = [f"{f['filename']}:{f['location']['row']}: {f['code']} {f['message']}"
                for f in json.loads(result.stdout) if str(f.get("code", "")).startswith("S")]
    assert findings == []


def test_no_shell_eval_or_pickle_in_the_code():
    banned_modules = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] in banned_modules for n in names):
                    found.append(f"{where}: imports {names}")
            elif isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in ("eval", "exec", "__import__"):
                    found.append(f"{where}: calls {func.id}()")
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
                        func.value.id, func.attr) in (("os", "system"), ("os", "popen")):
                    found.append(f"{where}: calls os.{func.attr}()")
                for kw in node.keywords:
                    if kw.arg == "shell" and not (
                            isinstance(kw.value, ast.Constant) and kw.value.value is False):
                        found.append(f"{where}: shell=...")
    assert found == []
