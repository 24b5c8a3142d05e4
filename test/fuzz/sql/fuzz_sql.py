#!/usr/bin/python3
"""SQL fuzz of every function in schema safety (README.md, "Fuzzing").

Phases, in this order, until the deadline: each function once with its
baseline arguments, once with its defaulted arguments left out, then each
argument in turn NULL and each hostile value of its type (values.py);
aggregates and window functions also over no rows and over all-NULL rows;
then mutated binary input of the two types (wire.py); then calls varying two
arguments at once, drawn with a fixed seed.  After each function the server
must still accept a connection, and its log must show no backend killed by a
signal.

Usage: fuzz_sql.py CONNINFO [--log FILE] [--timeout-ms 2000] [--deadline 200]
                   [--pairs 10000] [--wire 600] [--seed 1] [--only REGEX]
                   [--list] [--trace FILE]
Prints every failure with the SQL that reproduces it, then
"fuzz: N passed, N failed".  --only limits the run to functions whose
signature matches; --list prints the one-at-a-time calls instead of making
them; --trace writes every call with how it ended.
"""
import argparse
import re
import sys
import time
from collections import Counter

import calls
import wire
from runner import Runner, Server

class Tally:
    def __init__(self, trace=None):
        self.trace = open(trace, "w") if trace else None
        self.passed = self.failed = 0
        self.kinds = Counter()
        self.states = Counter()
        self.slowest = []

    def record(self, fname, label, sql, out):
        self.kinds[out.kind] += 1
        if self.trace:
            print(f"{out.kind}\t{out.sqlstate}\t{out.elapsed:.3f}\t{fname}\t{label}\t{out.message}\t{sql}",
                  file=self.trace)
        if out.sqlstate:
            self.states[out.sqlstate] += 1
        self.slowest = sorted(self.slowest + [(out.elapsed, f"{fname} [{label}]")], reverse=True)[:3]
        if out.failed:
            self.failed += 1
            msg = " ".join(out.message.split())
            print(f"FAIL {out.kind} {out.sqlstate or '-'} {fname} [{label}]: {msg}\n"
                  f"     reproduce: {sql};", flush=True)
        else:
            self.passed += 1

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {name} {detail}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("conninfo")
    ap.add_argument("--log")
    ap.add_argument("--timeout-ms", type=int, default=2000)
    ap.add_argument("--deadline", type=float, default=200.0)
    ap.add_argument("--pairs", type=int, default=10000)
    ap.add_argument("--wire", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only")
    ap.add_argument("--list", action="store_true", help="print the one-at-a-time calls, make none")
    ap.add_argument("--trace", help="write every call and how it ended to this file")
    opt = ap.parse_args()

    t0 = time.monotonic()
    server = Server(opt.conninfo, opt.timeout_ms, opt.log)
    runner = Runner(server)
    tally = Tally(opt.trace)
    funcs = calls.load(runner.conn)
    runner.conn.rollback()
    if opt.only:
        funcs = [f for f in funcs if re.search(opt.only, f.sig)]
    skipped = [f.sig for f in funcs if not f.callable()]
    funcs = [f for f in funcs if f.callable()]
    missing = sorted({t for f in funcs for t in f.types if t not in calls.values.HOSTILE})
    print(f"{len(funcs)} functions to call; not callable from SQL: {', '.join(skipped) or 'none'}")
    if missing:
        print(f"argument types without hostile values (NULL only): {', '.join(missing)}")

    def call(f, sql):
        """(sql to reproduce, outcome)"""
        if f.stored():
            out, repro = runner.run_stored(sql, f.rettype)
            return repro, out
        return sql, runner.run(sql, procedure=f.kind == "p")

    def after_batch(name):
        lines = server.new_signal_lines()
        tally.check(f"server log after {name}", not lines, "; ".join(lines))
        tally.check(f"server up after {name}", server.alive(), "no connection")

    if opt.list:
        for f in funcs:
            for label, sql in calls.one_at_a_time(f):
                print(f"{f.sig} [{label}]: {sql};")
        return 0

    made = planned = 0
    late = False
    for f in funcs:
        batch = calls.one_at_a_time(f)
        planned += len(batch)
        for label, sql in batch:
            if time.monotonic() - t0 > opt.deadline:
                late = True
                break
            tally.record(f.sig, label, *call(f, sql))
            made += 1
        after_batch(f.sig)
        if late:
            break
    tally.check("every one-at-a-time call made before the deadline", not late,
                f"{made} of {planned} made in {opt.deadline:.0f} s")
    print(f"one argument at a time: {made} calls ({time.monotonic() - t0:.0f} s)", flush=True)

    if not opt.only and opt.wire:
        wire.register(runner.conn)
        n = 0
        for label, sql, params, repro in wire.cases(runner.conn, opt.wire, opt.seed):
            if time.monotonic() - t0 > opt.deadline:
                break
            tally.record(label, "mutated", repro, runner.run(sql, params))
            n += 1
        after_batch("binary input")
        print(f"mutated binary input: {n} values ({time.monotonic() - t0:.0f} s)", flush=True)

    n = 0
    for f, label, sql in calls.pairs(funcs, opt.pairs, opt.seed):
        if time.monotonic() - t0 > opt.deadline:
            break
        tally.record(f.sig, label, *call(f, sql))
        n += 1
        if n % 250 == 0:
            after_batch(f"{n} two-argument calls")
    after_batch("two-argument calls")
    print(f"two arguments at a time: {n} of {opt.pairs} calls ({time.monotonic() - t0:.0f} s)")

    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.kinds.items())))
    print("SQLSTATEs: " + ", ".join(f"{k} {v}" for k, v in tally.states.most_common()))
    print("slowest: " + "; ".join(f"{e:.2f} s {what}" for e, what in tally.slowest))
    if runner.stuck:
        print(f"backends still running a statement they will not stop: {runner.stuck}")
    print(f"fuzz: {tally.passed} passed, {tally.failed} failed")
    return 0 if tally.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
