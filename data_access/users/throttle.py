"""How often a password may be tried: failed sign-ins per account and client address, in the users file.

The counts live in the accounts file (`sign_in_failures`), not in the server's memory, so neither a
restart nor a client's `clear_cache` message (which empties Streamlit's caches) forgets them.

Policy. Every attempt is counted as a failure *before* the password is checked, in the same
transaction as the check of the limits (BEGIN IMMEDIATE), so parallel attempts cannot all pass a
check that none of them has recorded yet; a success then deletes its count. Three limits, each a
delay that starts at FIRST_DELAY after its free failures, doubles with every further failure and
counts from the latest failure:

- one account from one address: 5 free failures, at most 15 minutes (guessing one password);
- one address, all account names together (unknown ones too): 20 free, at most 1 hour (one
  password tried on many accounts);
- one account from all addresses together, each address counting at most 5: 20 free, at most 15
  minutes (guessing from many machines).

So failures from one address (or up to three) delay that account for those addresses only: the
real user signing in from elsewhere is not locked out. Only failures from four or more addresses
delay the account for everyone; that is the price of stopping a distributed guesser. A success
clears its own account-and-address count; counts from other addresses stay (else each success of
the real user would give the guesser five new tries). A count is forgotten a day after its latest
failure, and a refused attempt counts nothing (hammering a delay does not extend it).

The address is the one Streamlit's server reports (ui/access.py): the TCP peer, or X-Forwarded-For
only from a peer the server trusts. Clients it cannot tell apart (behind a proxy it does not trust,
or one NAT) share one address and its counts.
"""
from __future__ import annotations

import ipaddress
import sqlite3
from dataclasses import dataclass

FREE_TRIES, ADDRESS_FREE_TRIES, ACCOUNT_FREE_TRIES = 5, 20, 20
FIRST_DELAY = 60  # seconds; then 2, 4, 8 … minutes up to the cap
MAX_DELAY = {"pair": 15 * 60, "address": 60 * 60, "account": 15 * 60}
FREE = {"pair": FREE_TRIES, "address": ADDRESS_FREE_TRIES, "account": ACCOUNT_FREE_TRIES}
FORGET_SECONDS = 24 * 3600  # longer than any delay, so a count is never forgotten while it delays
LOCAL = "local"  # the key of connections from this machine (Streamlit gives them no address)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sign_in_failures (
    account   TEXT NOT NULL,   -- the name as typed, stripped and lower-cased (also names that do not exist)
    address   TEXT NOT NULL,   -- address_key() of the client
    failures  INTEGER NOT NULL,
    last_at   REAL NOT NULL,   -- Unix time of the latest failure
    PRIMARY KEY (account, address)
);
CREATE INDEX IF NOT EXISTS sign_in_failures_address ON sign_in_failures (address);
CREATE INDEX IF NOT EXISTS sign_in_failures_last ON sign_in_failures (last_at);
"""


@dataclass(frozen=True)
class Block:
    """A limit that refuses attempts until `until` (Unix time). `scope` is "pair" (account from
    address), "address" (every account from it) or "account" (from every address)."""
    scope: str
    account: str | None
    address: str | None
    failures: int
    until: float

    def applies(self, account: str, address: str) -> bool:
        return self.account in (None, account) and self.address in (None, address)


def account_key(name) -> str:
    return name.strip().lower()[:128] if isinstance(name, str) else ""


def address_key(address: str | None) -> str:
    """One key per client: IPv4 as is, IPv6 by its /64 network (one machine usually holds a whole
    /64, so single IPv6 addresses would be free new clients), loopback and no address as LOCAL."""
    if not isinstance(address, str) or not address.strip():
        return LOCAL
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64]
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return LOCAL
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _delay(scope: str, failures: int) -> float:
    over = failures - FREE[scope]
    return 0.0 if over < 0 else float(min(FIRST_DELAY * 2 ** min(over, 30), MAX_DELAY[scope]))


def blocks_of(rows, now: float) -> list[Block]:
    """The limits in force at `now`, from (account, address, failures, last_at) rows."""
    tallies: dict[tuple, list] = {}
    for account, address, failures, last in rows:
        for key, count in ((("pair", account, address), failures), (("address", None, address), failures),
                           (("account", account, None), min(failures, FREE_TRIES))):
            tally = tallies.setdefault(key, [0, 0.0])
            tally[0] += count
            tally[1] = max(tally[1], last)
    found = []
    for (scope, account, address), (failures, last) in tallies.items():
        # A clock set back must not stretch a delay: count from now at the latest.
        until = min(last, now) + _delay(scope, failures)
        if until > now:
            found.append(Block(scope, account, address, failures, until))
    return found


def admit(conn: sqlite3.Connection, account: str, address: str, now: float) -> float:
    """Inside the caller's write transaction: the seconds to wait when a limit refuses this attempt
    (nothing is recorded), else 0.0 after counting the attempt as a failure."""
    conn.execute("DELETE FROM sign_in_failures WHERE last_at < ?", (now - FORGET_SECONDS,))
    rows = conn.execute("SELECT account, address, failures, last_at FROM sign_in_failures "
                        "WHERE account = ? OR address = ?", (account, address)).fetchall()
    waits = [b.until - now for b in blocks_of(map(tuple, rows), now) if b.applies(account, address)]
    if waits:
        return max(waits)
    conn.execute("INSERT INTO sign_in_failures (account, address, failures, last_at) VALUES (?, ?, 1, ?) "
                 "ON CONFLICT (account, address) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at",
                 (account, address, now))
    return 0.0


def succeeded(conn: sqlite3.Connection, account: str, address: str) -> None:
    conn.execute("DELETE FROM sign_in_failures WHERE account = ? AND address = ?", (account, address))


def blocks(conn: sqlite3.Connection, now: float) -> list[Block]:
    rows = conn.execute("SELECT account, address, failures, last_at FROM sign_in_failures "
                        "WHERE last_at >= ?", (now - FORGET_SECONDS,)).fetchall()
    return sorted(blocks_of(map(tuple, rows), now), key=lambda b: (b.scope, b.account or "", b.address or ""))


def forget_account(conn: sqlite3.Connection, name: str) -> int:
    """Delete an account's counts from every address (lifting its limits); returns how many."""
    return conn.execute("DELETE FROM sign_in_failures WHERE account = ?", (account_key(name),)).rowcount


def forget_address(conn: sqlite3.Connection, address: str) -> int:
    """Delete an address's counts for every account; returns how many."""
    return conn.execute("DELETE FROM sign_in_failures WHERE address = ?", (address_key(address),)).rowcount
