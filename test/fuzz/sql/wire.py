"""Mutated binary input for safety.grid and safety.events.

The receive functions live in the server glue (src/pg), out of reach of the
core's libFuzzer targets, and SQL cannot call them directly: a client sends
a value in binary format.  Start from the binary form of valid values and
flip bits, overwrite bytes and counts, truncate and extend.
"""
import random
import struct

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format

import values


class Wire:
    def __init__(self, data):
        self.data = data


class GridWire(Wire):
    pass


class EventsWire(Wire):
    pass


def register(conn):
    """send GridWire/EventsWire as binary parameters of the two types"""
    for cls, typ in ((GridWire, "safety.grid"), (EventsWire, "safety.events")):
        oid = conn.execute("SELECT %s::regtype::oid", (typ,)).fetchone()[0]
        dumper = type(cls.__name__ + "Dumper", (Dumper,),
                      {"format": Format.BINARY, "oid": oid, "dump": lambda self, obj: obj.data})
        psycopg.adapters.register_dumper(cls, dumper)


def seeds(conn):
    """(class, bytes) of the binary form of the small hostile values"""
    out = []
    for cls, exprs in ((GridWire, [values.BASE_GRID] + values.GRID),
                       (EventsWire, [values.BASE_EVENTS] + values.EVENTS)):
        for e in exprs:
            try:
                b = conn.cursor(binary=True).execute(f"SELECT {e}").fetchone()[0]
            except psycopg.Error:
                conn.rollback()
                continue
            if b is not None and len(b) <= 4096:
                out.append((cls, bytes(b)))
    conn.rollback()
    return out


def mutate(rng, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        if op == 0 and b:                       # flip a bit
            k = rng.randrange(len(b))
            b[k] ^= 1 << rng.randrange(8)
        elif op == 1 and b:                     # an interesting byte
            b[rng.randrange(len(b))] = rng.choice([0x00, 0x01, 0x7f, 0x80, 0xff])
        elif op == 2 and len(b) >= 8:           # an interesting int64/float8
            k = rng.randrange(len(b) - 7)
            b[k:k + 8] = rng.choice([struct.pack(">q", v) for v in (0, -1, 1, 2**31, 2**62, -2**63, 2**63 - 1)] +
                                    [struct.pack(">d", v) for v in (float("nan"), float("inf"), -0.0, 1e308)])
        elif op == 3 and len(b) >= 4:           # an interesting int32
            k = rng.randrange(len(b) - 3)
            b[k:k + 4] = struct.pack(">i", rng.choice([0, -1, 2**30, 2**30 + 1, -2**31, 2**31 - 1]))
        elif op == 4 and b:                     # truncate
            del b[rng.randrange(len(b)):]
        elif op == 5:                           # extend
            b += bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        elif op == 6 and len(b) > 2:            # duplicate a slice (repeats a cell or event)
            k = rng.randrange(len(b) - 1)
            n = rng.randint(1, min(49, len(b) - k))
            b[k:k] = b[k:k + n]
    return bytes(b)


def cases(conn, count, seed):
    """(label, sql, params, reproducer) of count mutated values"""
    rng = random.Random(seed)
    base = seeds(conn)
    out = []
    for n in range(count):
        cls, data = base[n % len(base)]
        m = mutate(rng, data)
        typ = "safety.grid" if cls is GridWire else "safety.events"
        out.append((f"binary {typ}", "SELECT length((%b)::text)", (cls(m),),
                    f"binary input of {typ} (send as a binary parameter): \\x{m.hex()}"))
    return out
