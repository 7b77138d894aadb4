"""The users file: who may call the service, with which role, and the hash of each one's API key.

One JSON file (mode 0600, ``users_path``), written whole to a temporary file and renamed into
place under an exclusive ``flock``, so the CLI can change users while API workers read them: a
worker sees either the file before a change or the file after it, and reloads when the file
changes on disk (its inode, size or modification time). The file holds names, roles and key
hashes, never a key.

Checking a key costs one argon2 verification (tens of milliseconds, on purpose); a worker then
remembers the key's SHA-256 for that key id, so later requests with the same key cost a hash and
a dictionary lookup. Revoking, rotating or an expiry takes effect on the next request.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from riskgraph.auth.keys import hash_key, key_id_of, key_matches, new_key
from riskgraph.auth.roles import Role
from riskgraph.errors import Conflict, InputProblem, InvalidInput, NotFound, Unauthenticated
from riskgraph.files import PRIVATE_MODE, write_private

FILE_MODE = PRIVATE_MODE
FORMAT = 1


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class User:
    """A user and their one API key (a rotation replaces it)."""

    name: str
    role: Role
    key_id: str
    key_hash: str
    created: str  # ISO 8601, UTC
    expires: str
    cleared: bool = False  # may see masked ID numbers and look persons up by ID number
    revoked: str | None = None

    def state(self, now: dt.datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked:
            return "revoked"
        return "expired" if dt.datetime.fromisoformat(self.expires) <= (now or _now()) else "active"

    def public(self) -> dict[str, Any]:
        """Everything but the key hash, with the state: what ``users list`` and the API show."""
        shown = {k: v for k, v in asdict(self).items() if k != "key_hash"}
        return {**shown, "role": str(self.role), "state": self.state()}


@dataclass(frozen=True)
class Principal:
    """The caller of a request, once its key is checked."""

    name: str
    role: Role
    key_id: str
    cleared: bool


class UserStore:
    """The users file at ``path``: change it (add, revoke, rotate) and check keys against it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._mutex = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._users: dict[str, User] = {}  # key id → user
        self._known: dict[str, str] = {}  # key id → SHA-256 of the key that passed argon2

    # --- reading ------------------------------------------------------------------------------

    def users(self) -> list[User]:
        """Every user, in the order added."""
        return list(self._current().values())

    def user(self, key_id: str) -> User | None:
        return self._current().get(key_id)

    def _current(self) -> dict[str, User]:
        """The users by key id, reloaded when the file changed on disk."""
        try:
            st = os.stat(self.path)
            stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        with self._mutex:
            if stamp != self._stamp:
                self._users = {u.key_id: u for u in _read(self.path)} if stamp else {}
                self._known = {k: v for k, v in self._known.items()
                               if k in self._users and self._users[k].state() == "active"}
                self._stamp = stamp
            return self._users

    def authenticate(self, key: str) -> Principal:
        """The caller whose key this is; :class:`Unauthenticated` saying why not otherwise."""
        key_id = key_id_of(key)
        user = self._current().get(key_id) if key_id else None
        if user is None:
            raise Unauthenticated("unknown API key (expected: Authorization: Bearer rg_…)")
        state = user.state()
        if state != "active":
            raise Unauthenticated(f"API key {user.key_id} of {user.name} is {state}; ask an administrator for "
                                  "a new one (riskgraph users rotate)")
        digest = hashlib.sha256(key.encode()).hexdigest()
        known = self._known.get(user.key_id)
        if known is None or not hmac.compare_digest(known, digest):
            if not key_matches(key, user.key_hash):
                raise Unauthenticated("unknown API key (expected: Authorization: Bearer rg_…)")
            with self._mutex:
                self._known[user.key_id] = digest
        return Principal(user.name, user.role, user.key_id, user.cleared)

    def needs_argon2(self, key: str) -> bool:
        """Whether checking ``key`` would run argon2 (it is not the key last seen for its id)."""
        key_id = key_id_of(key)
        known = self._known.get(key_id) if key_id else None
        return known is None or not hmac.compare_digest(known, hashlib.sha256(key.encode()).hexdigest())

    # --- changing -----------------------------------------------------------------------------

    def add(self, name: str, role: Role, days: int, cleared: bool = False) -> tuple[User, str]:
        """A new user with a fresh key valid for ``days``: the user and the key (shown this once)."""
        _check_name(name)
        with self._changing() as users:
            if any(u.name == name for u in users):
                raise Conflict(f"a user named {name!r} exists already; rotate its key or choose another name")
            user, key = _with_new_key(name, role, days, cleared)
            users.append(user)
        return user, key

    def revoke(self, name: str) -> User:
        """Revoke ``name``'s key at once."""
        with self._changing() as users:
            i = _index(users, name)
            users[i] = replace(users[i], revoked=users[i].revoked or _now().isoformat(timespec="seconds"))
            return users[i]

    def rotate(self, name: str, days: int) -> tuple[User, str]:
        """A new key for ``name`` (the old one stops working now), valid for ``days``; a revoked user is restored."""
        with self._changing() as users:
            i = _index(users, name)
            users[i], key = _with_new_key(name, users[i].role, days, users[i].cleared)
            return users[i], key

    @contextmanager
    def _changing(self) -> Iterator[list[User]]:
        """The users, under the file's lock, written back atomically when the block ends without an error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        with os.fdopen(fd, "r+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            users = _read(self.path) if self.path.exists() else []
            yield users
            _write(self.path, users)


def _with_new_key(name: str, role: Role, days: int, cleared: bool) -> tuple[User, str]:
    key_id, key = new_key()
    now = _now()
    user = User(name=name, role=role, key_id=key_id, key_hash=hash_key(key),
                created=now.isoformat(timespec="seconds"),
                expires=(now + dt.timedelta(days=days)).isoformat(timespec="seconds"), cleared=cleared)
    return user, key


def _check_name(name: str) -> None:
    if not name or len(name) > 100 or not name.isprintable() or name != name.strip():
        raise InvalidInput([InputProblem(("name",), "a user name is 1–100 printable characters, no spaces around",
                                         input=name)])


def _index(users: list[User], name: str) -> int:
    for i, u in enumerate(users):
        if u.name == name:
            return i
    raise NotFound(f"no user named {name!r} (riskgraph users list shows them)")


def _read(path: Path) -> list[User]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [User(**{**u, "role": Role(u["role"])}) for u in doc["users"]]


def _write(path: Path, users: list[User]) -> None:
    doc = {"format": FORMAT, "users": [{**asdict(u), "role": str(u.role)} for u in users]}
    write_private(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
