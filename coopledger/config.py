"""Settings, read once from ``COOPLEDGER_*`` environment variables — in ``create_app`` and the CLI,
never at import.

``COOPLEDGER_DATABASE_URL`` defaults to a SQLite file in the instance folder
(``COOPLEDGER_INSTANCE_PATH``, default ``./instance``). ``COOPLEDGER_SECRET_KEY`` signs sessions;
when unset, a random key is generated once into the instance folder (mode 0600), never a
hard-coded fallback. ``COOPLEDGER_PROXY_HOPS`` (default 0) is how many reverse proxies stand in
front of the application and are trusted to say, in ``X-Forwarded-For``/``-Proto``/``-Host``,
who the client is and whether it came over HTTPS (the login rate limit, the audit log's address
and the ``Secure`` cookie read it); leave it 0 when clients reach the application directly, or
they could claim any address. ``COOPLEDGER_PUBLIC_URL`` is the address where ``/verify`` answers
(``https://books.example.org/``), printed on every household statement and in its QR code; it is
never taken from a request (whose ``Host`` header the client chooses), and without it no
statement is issued. ``COOPLEDGER_REDIS_URL`` puts statement batches on that Redis's job queue
(``COOPLEDGER_QUEUE``, default ``coopledger-statements``); unset, they render in local processes.
``COOPLEDGER_PDF_CACHE_MB`` (default 32, 0–4096) is how many megabytes of rendered PDFs each
serving process keeps to hand out again; 0 keeps none.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

#: the queue that statement batches go on when no other is configured
DEFAULT_QUEUE = "coopledger-statements"


@dataclass(frozen=True)
class Settings:
    database_url: str
    instance_path: Path
    secret_key: str = field(repr=False)
    token_ttl_hours: int = 12
    testing: bool = False
    proxy_hops: int = 0
    public_url: str = ""
    #: the Redis of the statement-batch queue; empty: batches render in local processes
    queue_redis_url: str = ""
    queue_name: str = DEFAULT_QUEUE
    #: megabytes of rendered PDFs each process keeps to hand out again (0: none)
    pdf_cache_mb: int = 32

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        instance = Path(env.get("COOPLEDGER_INSTANCE_PATH", "instance")).absolute()
        url = database_url(env.get("COOPLEDGER_DATABASE_URL") or "", instance)
        return cls(
            database_url=url,
            instance_path=instance,
            secret_key=env.get("COOPLEDGER_SECRET_KEY") or "",
            token_ttl_hours=_whole_number(env, "COOPLEDGER_TOKEN_TTL_HOURS", 12, 1, 8760, "hours"),
            proxy_hops=_whole_number(env, "COOPLEDGER_PROXY_HOPS", 0, 0, 5),
            public_url=parse_public_url(env.get("COOPLEDGER_PUBLIC_URL", "")),
            queue_redis_url=env.get("COOPLEDGER_REDIS_URL") or "",
            queue_name=queue_name(environ=env),
            pdf_cache_mb=_whole_number(env, "COOPLEDGER_PDF_CACHE_MB", 32, 0, 4096, "megabytes"),
        )

    def with_secret(self) -> Settings:
        """These settings with a secret key: the configured one, or the instance folder's own."""
        if self.secret_key:
            return self
        self.instance_path.mkdir(parents=True, exist_ok=True)
        key_file = self.instance_path / "secret_key"
        if not key_file.exists():
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return replace(self, secret_key=key_file.read_text().strip())

    def ensure_instance(self) -> None:
        """Create the instance folder when the database is a SQLite file in it; a folder named
        anywhere else must exist already (a mistyped path is not made)."""
        if self.database_url.startswith("sqlite:///"):
            folder = Path(self.database_url.removeprefix("sqlite:///")).parent
            if folder == self.instance_path:
                folder.mkdir(parents=True, exist_ok=True)


DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url(explicit: str | None = None, environ: dict[str, str] | None = None) -> str:
    """The Redis that ``coopledger worker`` and ``coopledger statements --queue`` use: the one
    given on the command line, else ``COOPLEDGER_REDIS_URL``, else the local default."""
    env = os.environ if environ is None else environ
    url = explicit or env.get("COOPLEDGER_REDIS_URL") or DEFAULT_REDIS_URL
    if url.partition("://")[0] not in ("redis", "rediss", "unix"):
        raise SettingsError(
            f"cannot use the Redis URL {shown_url(url)!r}: write redis://host:6379/0 "
            "(or rediss:// with TLS, unix:///path/to/redis.sock)"
        )
    return url


def queue_name(explicit: str | None = None, environ: dict[str, str] | None = None) -> str:
    """The statement-batch queue's name: the one given on the command line, else
    ``COOPLEDGER_QUEUE``, else the usual one."""
    env = os.environ if environ is None else environ
    return explicit or env.get("COOPLEDGER_QUEUE") or DEFAULT_QUEUE


def shown_url(url: str) -> str:
    """A URL as it may be printed: any password replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says what to write instead."""


def database_url(text: str, instance: Path) -> str:
    """The database to open: ``text`` — a SQLAlchemy URL or a path to a SQLite file — or, when
    empty, the SQLite file ``coopledger.db`` in the instance folder.

    PostgreSQL is reached through psycopg 3, so ``postgresql://`` means
    ``postgresql+psycopg://``; Heroku-style ``postgres://`` and every other driver or database
    are refused with the URL to write instead.
    """
    text = text.strip()
    if not text:
        return f"sqlite:///{instance / 'coopledger.db'}"
    scheme, sep, rest = text.partition("://")
    if not sep:  # a plain path names a SQLite file
        return f"sqlite:///{Path(text).expanduser().absolute()}"
    if scheme == "sqlite":
        return text
    if scheme in ("postgresql+psycopg", "postgresql"):
        _check_port(text)
        return f"postgresql+psycopg://{rest}"
    if scheme == "postgres":
        raise SettingsError(
            "unsupported database URL scheme 'postgres://'; write "
            f"'postgresql+psycopg://{rest.split('@')[-1]}' (with the user and password as before)"
        )
    raise SettingsError(
        f"unsupported database URL scheme '{scheme}://': coopledger runs on SQLite "
        "('sqlite:///path/to/books.db' or a plain file path) or PostgreSQL "
        "('postgresql+psycopg://user@host:5432/name')"
    )


def _check_port(url: str) -> None:
    """:raise SettingsError: the URL's port is not a number from 1 to 65535."""
    try:
        urlsplit(url).port  # noqa: B018 -- reading it checks it
    except ValueError:
        netloc = urlsplit(url).netloc.rpartition("@")[2]
        raise SettingsError(
            f"cannot read the database URL: the port in {netloc!r} is not a number from 1 to "
            "65535; write 'postgresql+psycopg://user@host:5432/name'"
        ) from None


def parse_public_url(text: str, name: str = "COOPLEDGER_PUBLIC_URL") -> str:
    """The public address as ``scheme://host[:port][/path]/`` (one trailing slash), or "" when
    unset. :raise ValueError: not an http(s) address with a host, or one with a query, a
    fragment, a user or a character a browser would drop or rewrite (a :class:`SettingsError`)."""
    text = text.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or any(c <= " " or c in "\\\x7f" for c in text)
    ):
        raise SettingsError(
            f"{name} must be the http(s) address households reach, such as "
            f"https://books.example.org/, not {text!r}"
        )
    return text.rstrip("/") + "/"


def _whole_number(
    env: dict[str, str], name: str, default: int, low: int, high: int, unit: str = ""
) -> int:
    """The setting ``name`` (``default`` when unset): a whole number from ``low`` to ``high``,
    else an error naming it."""
    text = env.get(name, str(default))
    if not text.strip().isdigit() or not low <= int(text) <= high:
        of = f" of {unit}" if unit else ""
        raise SettingsError(f"{name} must be a whole number{of} from {low} to {high}, not {text!r}")
    return int(text)
