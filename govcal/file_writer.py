"""Files written by a second process: an export's thousands of small files made while the next are rendered.

Making a file is the kernel's work, and a country's export makes 16,001 of them (on the
disk govcal is measured on, 16,000 empty files take 0.5 to 9.8 s of kernel time, run
to run; bench/uk_scale.py prints it). In a process of its own that work runs on
another core beside the rendering instead of after it. The rendered bytes reach it
through a pipe, a few MiB at a time, from a thread that does nothing else: one write a
chunk, so the rendering thread rarely waits for the GIL.

Run as `python -m govcal.file_writer`, it is that second process.
"""

from __future__ import annotations

import contextlib
import os
import queue
import struct
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

HEAD = struct.Struct("<II")  # a record: the path's length, the data's; then the path, then the data
CHUNK = 4 * 2**20  # bytes handed to the pipe at once


class FileWriter:
    """Writes files in a child process, in the order given; `close` (or leaving the `with`
    block) waits until every file is written, and raises `OSError` naming the first file
    that could not be, after which no later file is written."""

    def __init__(self) -> None:
        path = os.pathsep.join(entry for entry in sys.path if entry)  # the child imports govcal as this process does
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        self._chunks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._pending: list[bytes] = []
        self._size = 0
        if self._process.stdin is None or self._process.stderr is None:  # both asked for as pipes above
            raise OSError("the file writer was started without its pipes")
        self._errors = self._process.stderr
        self._pump = threading.Thread(target=_send, args=(self._chunks, self._process.stdin), daemon=True)
        self._pump.start()

    def write(self, path: Path, data: bytes) -> None:
        """Write `data` to `path` (made or replaced) in turn."""
        name = os.fsencode(path)
        self._pending += [HEAD.pack(len(name), len(data)), name, data]
        self._size += len(data)
        if self._size >= CHUNK:
            self._hand_over()

    def close(self) -> None:
        """Wait until every file is written; `OSError` if one could not be."""
        self._hand_over()
        self._chunks.put(None)
        self._pump.join()
        said = self._errors.read().decode(errors="replace").strip()
        if self._process.wait() != 0:
            raise OSError(said or f"the file writer stopped with status {self._process.returncode}")

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
            return
        self._process.kill()  # the export failed here: what was handed over need not be written
        self._chunks.put(None)
        self._pump.join()
        self._process.wait()

    def _hand_over(self) -> None:
        if self._pending:
            self._chunks.put(b"".join(self._pending))
            self._pending, self._size = [], 0


def _send(chunks: queue.SimpleQueue[bytes | None], pipe: IO[bytes]) -> None:
    """The pump: chunks into the child's pipe until told to stop, then the pipe closed."""
    try:
        while (chunk := chunks.get()) is not None:
            pipe.write(chunk)
    except BrokenPipeError:  # the child stopped at a file it could not write: close() says which
        while chunks.get() is not None:
            pass
    finally:
        with contextlib.suppress(BrokenPipeError):
            pipe.close()


def main() -> int:
    """The child: make each file the pipe names, in order, until the pipe closes."""
    stream = sys.stdin.buffer
    while head := stream.read(HEAD.size):
        name_size, data_size = HEAD.unpack(head)
        name, data = stream.read(name_size), stream.read(data_size)
        try:
            with open(name, "wb") as file:
                file.write(data)
        except OSError as error:
            print(f"cannot write {os.fsdecode(name)}: {error.strerror}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
