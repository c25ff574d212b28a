"""``copydesk daemon``: keep the rules loaded, so a pre-commit hook's ``copydesk check`` answers
at once.

A one-story ``copydesk check`` spends most of its time starting: importing the linter, loading
51 rule files and building what the rules build on first use. A daemon does that once. The
``copydesk`` command looks for it (:func:`forward`) before it imports anything of the linter.
When it finds one, it hands over the whole command: the arguments, the working folder, the
``COPYDESK_*`` settings and standard input. It then prints what the daemon printed and exits
with its code. With no daemon, or one from another copydesk installation, it runs the command
itself, so starting a daemon never changes a result, only the time it takes.

- The socket is ``$COPYDESK_DAEMON_SOCKET``, or ``copydesk-<uid>/daemon.sock`` in
  ``$XDG_RUNTIME_DIR`` (else ``$TMPDIR``, else ``/tmp``).
- Its folder is private (mode 0700).
- On Linux the daemon also checks that each caller is the same user.
- It serves one command at a time and stops after ``--idle`` seconds without one.
- Rule files edited while it runs are read again: the rule set is keyed by the files' stamps.
- A command from another copydesk installation is refused, and that command then runs in
  place. When the daemon's own copydesk is upgraded, it stops.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys
from pathlib import Path

#: Environment variables a command takes from its caller (the daemon's own are not used for it).
_PASSED_ENV_PREFIXES = ("COPYDESK_",)
_PASSED_ENV = ("NO_COLOR",)
_HEADER = struct.Struct("!I")


def socket_path() -> Path:
    explicit = os.environ.get("COPYDESK_DAEMON_SOCKET")
    if explicit:
        return Path(explicit)
    # Not tempfile.gettempdir(): it writes a test file to find a folder, on every command.
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    return Path(base) / f"copydesk-{os.getuid()}" / "daemon.sock"


def code_stamp() -> str:
    """Which copydesk this is: a daemon only serves a caller running the same files."""
    here = Path(__file__).resolve().parent
    try:
        return f"{here}:{(here / 'cli.py').stat().st_mtime_ns}"
    except OSError:
        return str(here)


def _send(connection: socket.socket, message: dict) -> None:
    data = json.dumps(message).encode("utf-8", "surrogatepass")
    connection.sendall(_HEADER.pack(len(data)) + data)


def _receive(connection: socket.socket) -> dict | None:
    header = _read_exactly(connection, _HEADER.size)
    if header is None:
        return None
    data = _read_exactly(connection, _HEADER.unpack(header)[0])
    return json.loads(data.decode("utf-8", "surrogatepass")) if data is not None else None


def _read_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# -- the caller's side ----------------------------------------------------------------------------
def forward(argv: list[str], timeout: float = 600.0) -> int | None:
    """Run ``copydesk ARGV`` in a daemon; its exit code, or None when there is no daemon to ask
    (the caller then runs the command itself)."""
    if not hasattr(socket, "AF_UNIX") or not hasattr(os, "getuid"):
        return None  # no Unix sockets here (Windows): always run in place
    path = socket_path()
    if not path.exists():
        return None
    stdin = None
    if "-" in argv:  # a story on standard input goes along with the command
        stdin = sys.stdin.buffer.read().decode("latin-1")  # any bytes, carried as text
    request = {
        "argv": argv,
        "cwd": os.getcwd(),
        "env": {k: v for k, v in os.environ.items() if k.startswith(_PASSED_ENV_PREFIXES) or k in _PASSED_ENV},
        "tty": sys.stdout.isatty(),
        "stdin": stdin,
        "code": code_stamp(),
    }
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(0.5)
            connection.connect(str(path))
            connection.settimeout(timeout)
            _send(connection, request)
            answer = _receive(connection)
    except (OSError, ValueError):
        answer = None
    if not answer or answer.get("status") != "ok":
        if stdin is not None:  # standard input is spent: run here on what was read
            sys.stdin = _text_stream(stdin.encode("latin-1"))
        return None
    sys.stdout.write(answer["stdout"])
    sys.stdout.flush()
    sys.stderr.write(answer["stderr"])
    return int(answer["exit"])


def _text_stream(data: bytes):
    import io

    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")


# -- the daemon -----------------------------------------------------------------------------------
def serve(path: Path, idle: float) -> int:
    """Answer commands on ``path`` until ``idle`` seconds pass without one (0: never)."""
    import time

    from . import cli

    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        sys.stderr.write(f"copydesk daemon: {folder} must be a folder only you can use (mode 0700)\n")
        return cli.EXIT_ERROR
    try:
        if path.exists():
            if _alive(path):
                sys.stderr.write(f"copydesk daemon: one is already running on {path}\n")
                return cli.EXIT_ERROR
            path.unlink()
        _warm_up()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(str(path))
        except OSError:  # another daemon bound it while this one warmed up
            listener.close()
            sys.stderr.write(f"copydesk daemon: one is already running on {path}\n")
            return cli.EXIT_ERROR
    finally:
        (folder / _STARTING).unlink(missing_ok=True)
    served, started, mine = 0, time.monotonic(), code_stamp()
    with listener:
        os.chmod(path, 0o600)
        listener.listen(16)
        listener.settimeout(idle or None)
        sys.stderr.write(f"copydesk daemon: listening on {path} (pid {os.getpid()})\n")
        try:
            while True:
                try:
                    connection, _ = listener.accept()
                except socket.timeout:
                    break  # idle: stop
                with connection:
                    connection.settimeout(30)
                    if not _same_user(connection):
                        continue
                    try:
                        request = _receive(connection)
                    except (OSError, ValueError):
                        continue
                    if not request:
                        continue
                    if request.get("command") == "stop":
                        _send(connection, {"status": "stopped"})
                        break
                    if request.get("command") == "status":
                        _send(connection, {"status": "ok", "pid": os.getpid(), "served": served,
                                           "seconds": round(time.monotonic() - started, 1), "code": mine})
                        continue
                    if code_stamp() != mine:  # this copydesk was upgraded under the daemon: make way
                        _send(connection, {"status": "stale"})
                        break
                    if request.get("code") != mine:  # another installation: it runs the check itself
                        _send(connection, {"status": "stale"})
                        continue
                    served += 1
                    try:
                        _send(connection, _run(request))
                    except OSError:
                        pass  # the caller went away
        finally:
            try:
                path.unlink()
            except OSError:
                pass
    return cli.EXIT_OK


def _warm_up() -> None:
    """Load the bundled rules and lint an invented story once, so the first command is fast too."""
    from .linting import Linter

    try:
        Linter().check("Council backs budget\n\nThe council voted 5-2 on Tuesday, Oct. 11, to pass it.\n")
    except Exception:  # a broken installation shows up in the first real command instead
        pass


def _run(request: dict) -> dict:
    """One command, as the caller would have run it: its folder, settings and input."""
    import contextlib
    import io

    from . import cli

    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    languagetool = sys.modules.get("linter.ruletypes.languagetool")
    if languagetool is not None:
        languagetool._noticed = False  # its once-per-run notice: once per command here
    stdout, stderr = io.StringIO(), io.StringIO()
    for key in [k for k in os.environ if k.startswith(_PASSED_ENV_PREFIXES) or k in _PASSED_ENV]:
        del os.environ[key]
    os.environ.update(request.get("env") or {})
    stdout.isatty = lambda: bool(request.get("tty"))  # colour as the caller's terminal wants it
    try:
        os.chdir(request["cwd"])
        if request.get("stdin") is not None:
            sys.stdin = _text_stream(request["stdin"].encode("latin-1"))
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = cli.main(request["argv"])
            except SystemExit as stop:  # argparse's usage errors
                code = stop.code if isinstance(stop.code, int) else cli.EXIT_ERROR
            except Exception as error:  # never take the daemon down with one command
                stderr.write(f"copydesk: internal error in the daemon: {error!r}\n")
                code = cli.EXIT_ERROR
    except OSError as error:
        return {"status": "ok", "exit": cli.EXIT_ERROR, "stdout": "", "stderr": f"copydesk: {error}\n"}
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)
        try:
            os.chdir(saved_cwd)
        except OSError:
            pass
    return {"status": "ok", "exit": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}


def _same_user(connection: socket.socket) -> bool:
    try:
        credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except (AttributeError, OSError):  # not Linux: the private folder is the protection
        return True
    _, uid, _ = struct.unpack("3i", credentials)
    return uid == os.getuid()


def _alive(path: Path) -> bool:
    return ask(path, {"command": "status"}) is not None


def ask(path: Path, message: dict) -> dict | None:
    """Send a control message (status, stop); the answer, or None when nobody answers."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(2)
            connection.connect(str(path))
            _send(connection, message)
            return _receive(connection)
    except (OSError, ValueError):
        return None


# While a daemon started by a check warms up, the checks after it must not start more (a
# pre-commit hook runs several at once): the first leaves this file beside the socket, and the
# daemon removes it once it listens. One older than this many seconds is stale.
_STARTING = "starting"
_STARTING_STALE_AFTER = 60.0


def start_in_background(path: Path | None = None, idle: float = 900.0) -> bool:
    """Start a daemon for the checks to come, without waiting for it; False when one is
    running or already starting (or the socket folder is not ours). The check that calls this runs in
    place, so its result does not depend on whether the daemon came up."""
    import time

    path = path or socket_path()
    if path.exists() and _alive(path):
        return False  # one is running (it serves another installation: this one runs in place)
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            return False
        marker = folder / _STARTING
        try:
            if time.time() - marker.stat().st_mtime > _STARTING_STALE_AFTER:
                marker.unlink()
        except FileNotFoundError:
            pass
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError:
        return False  # another check is starting one (or the folder is unusable)
    _spawn(path, idle)
    return True


def _spawn(path: Path, idle: float) -> None:
    import subprocess

    env = {**os.environ, "COPYDESK_DAEMON_SOCKET": str(path)}
    # Started from the folder that holds this copydesk, so that "-m linter" is this copydesk
    # and not a source checkout in the current folder.
    home = Path(__file__).resolve().parents[1]
    subprocess.Popen(
        [sys.executable, "-m", "linter", "daemon", "--idle", str(idle)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, env=env, cwd=home,
    )


def detach(path: Path, idle: float) -> int:
    """Start a daemon in the background and wait until it answers."""
    import time

    if _alive(path):
        print(f"copydesk daemon: already running on {path}")
        return 0
    _spawn(path, idle)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _alive(path):
            print(f"copydesk daemon: running on {path}")
            return 0
        time.sleep(0.05)
    sys.stderr.write("copydesk daemon: did not start within 30 s\n")
    return 2
