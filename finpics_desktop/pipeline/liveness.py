"""Whether a process of this computer still runs: how a job, an action or a lock left by a
process that is gone (killed, crashed) is told from one still at work."""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process: its own jobs and locks say whether they are alive
    if os.name == "nt":  # not exercised by the tests (they run on Linux)
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and (
            code.value == 259)  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
