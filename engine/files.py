"""Writing a user's file so that nothing is lost: all of the new text or none of it, never over a
file that changed meanwhile or that the user did not agree to replace.

The text goes to a temporary file in the same folder, which then takes the target's place in one
rename (or one hard link, when the target must not exist yet): a crash or a full disk leaves the
old file whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.errors import InputError


def write_text(path: str | Path, text: str, *, replace: bool = False, was: str | None = None) -> None:
    """Write `text` to `path`. Without `replace`, an existing file is an error; with it, `was`
    (when given) must still be the file's content, so an edit made meanwhile is not overwritten."""
    target = Path(path)
    if was is not None and read_text(target) != was:
        raise InputError(str(path), "the file changed while fto was working on it; nothing was written")
    if target.is_dir():
        raise InputError(str(path), "is a directory; nothing was written")
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.",
                                    suffix=".tmp")
    except OSError as exc:
        raise InputError(str(path), f"cannot write here: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if replace and target.exists():
            os.chmod(temp, target.stat().st_mode & 0o7777)
            os.replace(temp, target)
        else:
            os.chmod(temp, 0o666 & ~_umask())
            try:
                os.link(temp, target)  # fails, atomically, if the file appeared meanwhile
            except FileExistsError:
                raise InputError(str(path), "already exists; nothing was written") from None
            except OSError:  # a file system without hard links: create it, never replacing one
                try:
                    with open(target, "x", encoding="utf-8", newline="") as out:
                        out.write(text)
                except FileExistsError:
                    raise InputError(str(path), "already exists; nothing was written") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot write: {exc.strerror or exc}; nothing was written") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def read_text(path: str | Path) -> str | None:
    """A file's text exactly as stored (line endings included), or None if it cannot be read."""
    try:
        return Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
