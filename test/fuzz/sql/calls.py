"""The public functions of schema safety, from the catalog, and the SQL of a
call to each with chosen argument expressions.

Every call forces its whole result through the output functions (a row's
text form, or the value's) but returns one small row, so huge results cost
the server, not the client.
"""
import random
from dataclasses import dataclass

import values

CATALOG = """
SELECT p.oid::regprocedure::text, p.proname, p.prokind, p.proretset,
       (p.prorettype = 'record'::regtype OR t.typtype = 'c') AS composite,
       coalesce((SELECT array_agg(format_type(a, NULL) ORDER BY o)
                 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(a, o)), '{}'),
       CASE WHEN p.proargmodes IS NULL THEN coalesce(p.proargnames, '{}')
            ELSE (SELECT coalesce(array_agg(n ORDER BY o), '{}')
                  FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY u(n, m, o)
                  WHERE m IN ('i', 'b', 'v')) END,
       p.pronargdefaults, format_type(p.prorettype, NULL)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_type t ON t.oid = p.prorettype
WHERE n.nspname = 'safety'
ORDER BY 1
"""

# short spellings, so a value already cast to its type is not cast twice
SHORT = {"double precision": "float8", "integer": "int4", "smallint": "int2", "bigint": "int8",
         "timestamp with time zone": "timestamptz", "boolean": "bool", "double precision[]": "float8[]",
         "bigint[]": "int8[]"}


STORED = ("safety.grid", "safety.events")


@dataclass
class Func:
    sig: str
    name: str
    kind: str           # f function, a aggregate, w window, p procedure
    retset: bool
    composite: bool
    types: list
    names: list
    ndefaults: int
    rettype: str

    def stored(self):
        """returns one grid or events value, which must read back from its text"""
        return self.kind in ("f", "a") and not self.retset and self.rettype in STORED

    def argname(self, k):
        return self.names[k] if k < len(self.names) and self.names[k] else ""

    def base(self, k):
        return values.baseline(self.name, self.argname(k), self.types[k])

    def callable(self):
        """functions with an internal argument cannot be called from SQL"""
        return "internal" not in self.types


def load(conn):
    return [Func(*row) for row in conn.execute(CATALOG).fetchall()]


def typed(expr, typ):
    """expr as a value of typ, so overloads resolve the same way for NULL"""
    short = SHORT.get(typ, typ)
    if expr.endswith("::" + short) or expr.endswith("::" + typ):
        return expr
    if expr == "NULL":
        return f"NULL::{short}"
    return f"({expr})::{short}"


def call_sql(f, args, rows=None, where=""):
    """SQL of one call. args: one expression per argument (fewer leave the
    rest to their defaults); for aggregates and window functions rows (lists
    of expressions) feed a VALUES table"""
    name = f"safety.{f.name}"
    if f.kind in ("a", "w"):
        cols = [f"a{k}" for k in range(len(f.types))]
        rows = rows or [args]
        table = ", ".join("(" + ", ".join(typed(v, t) for v, t in zip(r, f.types)) + ")" for r in rows)
        src = f"(VALUES {table}) AS t({', '.join(cols)})" if cols else "generate_series(1, 3)"
        inner = f"{name}({', '.join(cols)})"
        if f.kind == "a":
            if f.stored():
                return f"SELECT ({inner})::text FROM {src}{where}"
            return f"SELECT length(({inner})::text) FROM {src}{where}"
        return f"SELECT count(*) FROM (SELECT ({inner} OVER ())::text AS w FROM {src}{where}) s"
    argl = ", ".join(typed(v, t) for v, t in zip(args, f.types))
    if f.kind == "p":
        return f"CALL {name}({argl})"
    if f.retset or f.composite:
        return f"SELECT count(*) FROM {name}({argl}) AS r WHERE r::text IS NOT NULL"
    if f.stored():
        return f"SELECT ({name}({argl}))::text"
    return f"SELECT length(({name}({argl}))::text)"


def baseline_args(f):
    out = []
    for k, t in enumerate(f.types):
        b = f.base(k)
        out.append(b if b is not None else "NULL")
    return out


def one_at_a_time(f):
    """(label, sql): the baseline call, the call leaving defaulted arguments
    out, then each argument in turn NULL and each hostile value of its type"""
    base = baseline_args(f)
    calls = [("baseline", call_sql(f, base, rows=_rows(f, base, base)))]
    if f.ndefaults and f.kind in ("f", "p"):
        calls.append(("defaults", call_sql(f, base[:len(base) - f.ndefaults])))
    if f.kind in ("a", "w"):
        calls.append(("no rows", call_sql(f, base, where=" WHERE false")))
        nulls = ["NULL"] * len(f.types)
        calls.append(("all NULL rows", call_sql(f, nulls, rows=[nulls, nulls, nulls])))
    for k, t in enumerate(f.types):
        for v in ["NULL"] + values.HOSTILE.get(t, []):
            if v == base[k]:
                continue
            args = list(base)
            args[k] = v
            calls.append((f"arg {k + 1} {f.argname(k) or t}", call_sql(f, args, rows=_rows(f, base, args))))
    return calls


def pairs(funcs, count, seed):
    """count calls that vary two arguments at once, drawn deterministically"""
    rng = random.Random(seed)
    multi = [f for f in funcs if f.callable() and len(f.types) >= 2]
    seen, out = set(), []
    for _ in range(count * 4):
        if len(out) >= count:
            break
        f = rng.choice(multi)
        a, b = rng.sample(range(len(f.types)), 2)
        args = baseline_args(f)
        for k in (a, b):
            args[k] = rng.choice(["NULL"] + values.HOSTILE.get(f.types[k], []))
        sql = call_sql(f, args, rows=_rows(f, baseline_args(f), args))
        if sql not in seen:
            seen.add(sql)
            out.append((f, f"args {a + 1},{b + 1}", sql))
    return out


def _rows(f, base, args):
    """aggregate input: a baseline row, then the varied row twice (sums of two
    extremes overflow)"""
    return [base, args, args] if f.kind in ("a", "w") else None

