"""Database faults a teacher can act on, told in one line: read-only, full disk, damaged file, locked,
unreachable server. Anything else is a real error and keeps its traceback (logged once, where caught)."""

from __future__ import annotations

import errno
import re

from sqlalchemy.engine import URL, make_url

READ_ONLY = (
    "the database {where} is read-only: the bot must write to it (check the file's and its folder's permissions)"
)
FULL = "the disk holding the database {where} is full"
DAMAGED = "{where} is damaged or not a SQLite database: restore a backup, or move it away and the bot starts a new one"
CANNOT_OPEN = "cannot open or create the database {where}: check that its folder exists and the bot may write there"
LOCKED = "the database {where} stayed locked by another program"
LOGIN = "the database server {where} refused the login (check the user and password in REVISIONBOT_DATABASE_URL)"
NO_DATABASE = "the database server {where} has no such database ({detail})"
UNREACHABLE = "cannot reach the database server {where}"

# (patterns of the driver's message, in lower case; what to tell the teacher); {where} is the file or server
_KNOWN: tuple[tuple[tuple[str, ...], str], ...] = (
    (("readonly database", "read-only", "read only transaction"), READ_ONLY),
    (("database or disk is full", "disk full", "no space left"), FULL),
    (("file is not a database", "disk image is malformed", "file is encrypted"), DAMAGED),
    (("unable to open database file", "disk i/o error"), CANNOT_OPEN),
    (("database is locked", "database table is locked", "queuepool limit"), LOCKED),
    (("password authentication failed", 'role "', "no pg_hba.conf entry"), LOGIN),
    ((r"database \"[^\"]*\" does not exist",), NO_DATABASE),
    (
        (
            "connection refused",
            "could not connect",
            "connect call failed",
            "name or service not known",
            "temporary failure in name resolution",
            "timeout expired",
            "server closed the connection",
        ),
        UNREACHABLE,
    ),
)
_PATTERNS = [(re.compile("|".join(needles)), message) for needles, message in _KNOWN]
_ERRNO = {
    errno.ENOSPC: FULL,
    errno.EROFS: READ_ONLY,
    errno.EACCES: READ_ONLY,
    errno.EPERM: READ_ONLY,
    errno.ENOENT: CANNOT_OPEN,
    errno.ECONNREFUSED: UNREACHABLE,
}


def where(url: str | URL) -> str:
    """The SQLite file, or the server's host:port/database (never the password)."""
    u = make_url(url) if isinstance(url, str) else url
    if u.drivername.startswith("sqlite"):
        return u.database or ":memory:"
    return f"{u.host or 'localhost'}:{u.port or 5432}/{u.database or ''}"


def describe(exc: BaseException, url: str | URL) -> str | None:
    """One line for a known fault, or None for an unexpected error."""
    place = where(url)
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:  # the driver's error is wrapped by SQLAlchemy's
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno in _ERRNO:
            return _ERRNO[e.errno].format(where=place)
        text = str(e).lower()
        for pattern, message in _PATTERNS:
            if pattern.search(text):
                return message.format(where=place, detail=(str(e).splitlines() or [""])[0][:120])
        e = getattr(e, "orig", None) or e.__cause__ or e.__context__
    return None
