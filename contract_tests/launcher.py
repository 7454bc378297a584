"""Stand-in for `python` in an xdist worker's gateway: hands this process's stdin, stdout and stderr to the
preloaded worker factory (`zygote.py`), whose forked child then serves the gateway on them, and waits for
that child to end. Run as `python -I -S launcher.py SOCKET ...` (standard library only, nothing preloaded).
"""

from __future__ import annotations

import signal
import socket
import sys


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: launcher.py SOCKET [python arguments ignored]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the worker itself; this waits for it to end
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(argv[1])
            socket.send_fds(conn, [b"w"], [0, 1, 2])
            while conn.recv(64):  # the worker holds the other end open until it exits
                pass
    except OSError as exc:
        print(f"contract suite: cannot start a worker through {argv[1]}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
