#!/usr/bin/env python3
"""check_reference.py — the reference docs against the catalog.

Every function, aggregate and procedure of schema safety (but the types'
I/O and the aggregates' support functions) must be documented by a heading
of docs/reference*.md giving its signature; internal helpers (prefix _) must
at least be named.  Every signature a heading gives must exist: the same
argument names in order, the same types and defaults where the heading
gives them, the same return type or result columns.  Tables, views and types
a heading names must exist with the columns it lists.

usage: check_reference.py DOCS_DIR CATALOG_JSON   (prints ok / FAIL lines and
a summary "docs against the catalog: N passed, M failed"; exit status 1 on any failure)
"""
import json
import re
import sys
from pathlib import Path

ALIASES = {
    'float8': 'double precision', 'float': 'double precision', 'int': 'integer', 'int4': 'integer',
    'int8': 'bigint', 'int2': 'smallint', 'bool': 'boolean', 'timestamptz': 'timestamp with time zone',
    'varchar': 'character varying',
}


def norm_type(t):
    t = re.sub(r'\b(PRIMARY KEY|NOT NULL)\b', '', t).strip()
    t = re.sub(r'^(safety|public|pg_catalog)\.', '', t)
    arr = ''
    while t.endswith('[]'):
        arr += '[]'
        t = t[:-2].strip()
    t = re.sub(r'\(.*\)$', '', t).strip()	# geometry(Polygon, 32616)
    return ALIASES.get(t.lower(), t.lower()) + arr


def split_top(s):
    """split at commas outside quotes and brackets"""
    out, depth, q, cur = [], 0, None, ''
    for ch in s:
        if q:
            cur += ch
            if ch == q:
                q = None
        elif ch in '\'"':
            q = ch
            cur += ch
        elif ch in '([{':
            depth += 1
            cur += ch
        elif ch in ')]}':
            depth -= 1
            cur += ch
        elif ch == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def parse_items(s):
    """[(name, type or None, has_default)] of an argument or column list"""
    items = []
    for it in split_top(s):
        it = re.sub(r'^(IN|INOUT|VARIADIC)\s+', '', it)
        m = re.match(r'(.*?)\s+DEFAULT\s+.*$', it, re.S)
        has_default = bool(m)
        if m:
            it = m.group(1)
        m = re.match(r'("(?:[^"]|"")+"|\w+)\s*(.*)$', it, re.S)
        if not m:
            items.append((it, None, has_default))
            continue
        name = m.group(1).strip('"')
        typ = m.group(2).strip() or None
        items.append((name, typ, has_default))
    return items


def balanced(s, start):
    """the text inside the parenthesis opening at s[start], and the index after it"""
    depth, q = 0, None
    for k in range(start, len(s)):
        ch = s[k]
        if q:
            if ch == q:
                q = None
        elif ch in '\'"':
            q = ch
        elif ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
            if depth == 0:
                return s[start + 1:k], k + 1
    return s[start + 1:], len(s)


def documented(docs_dir):
    """[(file, line, name, args or None or '...', result text or None)] of the headings"""
    spans = []
    mentions = set()
    for f in sorted(Path(docs_dir).glob('reference*.md')):
        text = f.read_text()
        for m in re.finditer(r'`([^`]*)`', text):	# a code span may wrap
            mentions.update(re.findall(r'\w+', m.group(1)))
        for n, line in enumerate(text.splitlines(), 1):
            if not line.startswith('#'):
                continue
            for m in re.finditer(r'`(?:CALL\s+)?safety\.(\w+)([^`]*)`', line):
                name, rest = m.group(1), m.group(2)
                args = None
                result = None
                if rest.startswith('('):
                    inner, after = balanced(rest, 0)
                    args = '...' if inner.strip() == '...' else inner
                    rest = rest[after:]
                r = re.search(r'→\s*(.*)$', rest)
                if r:
                    result = r.group(1).strip()
                spans.append((f.name, n, name, args, result))
    return spans, mentions


def main():
    docs_dir, catalog_file = sys.argv[1], sys.argv[2]
    cat = json.loads(Path(catalog_file).read_text())
    routines = cat['routines']			# name, kind, args [[name, type, has_default]], result, columns
    relations = {r['name']: r['columns'] for r in cat['relations']}
    types = set(cat['types'])
    spans, mentions = documented(docs_dir)
    passed = failed = 0
    covered = set()

    def ok(msg):
        nonlocal passed
        passed += 1
        print('ok   ' + msg)

    def fail(msg):
        nonlocal failed
        failed += 1
        print('FAIL ' + msg)

    by_name = {}
    for k, r in enumerate(routines):
        by_name.setdefault(r['name'], []).append(k)

    for fname, line, name, args, result in spans:
        where = f'{fname}:{line} safety.{name}'
        if name in by_name:
            if args is None or args == '...':
                covered.update(by_name[name])
                ok(f'{where} names {len(by_name[name])} routine(s)')
                continue
            items = parse_items(args)
            names = [i[0] for i in items]
            # an unnamed argument (an aggregate's, say) takes the heading's name
            cands = [k for k in by_name[name]
                     if len(routines[k]['args']) == len(names)
                     and all(a[0] in ('', n) for a, n in zip(routines[k]['args'], names))]
            if not cands:
                fail(f'{where}({", ".join(names)}): no such signature; the catalog has '
                     + '; '.join('(' + ', '.join(a[0] + ' ' + a[1] for a in routines[k]['args']) + ')'
                                 for k in by_name[name]))
                continue
            # of overloads with these names, the one whose types the heading gives
            typed = [k for k in cands
                     if all(dt is None or norm_type(dt) == norm_type(a[1])
                            for (_, dt, _), a in zip(items, routines[k]['args']))]
            k = (typed or cands)[0]
            r = routines[k]
            problems = []
            for (dn, dt, dd), (cn, ct, cd) in zip(items, r['args']):
                if dt is not None and norm_type(dt) != norm_type(ct):
                    problems.append(f'{dn} is {ct}, not {dt}')
                if dd and not cd:
                    problems.append(f'{dn} has no default')
                if dt is not None and not dd and cd:
                    problems.append(f'{dn} has a default the heading does not give')
            if result:
                res = re.sub(r'\s+OVER\s*\(.*?\)', '', result).strip()
                m = re.match(r'(?:SETOF\s+|TABLE\s*)?\((.*)\)$', res)
                if m and m.group(1).strip() != '...':
                    cols = [i[0] for i in parse_items(m.group(1))]
                    if cols != r['columns']:
                        problems.append(f'result columns are ({", ".join(r["columns"])}), not ({", ".join(cols)})')
                elif not m and not r['columns'] and norm_type(res) != norm_type(r['result']):
                    problems.append(f'returns {r["result"]}, not {res}')
            if problems:
                fail(f'{where}: ' + '; '.join(problems))
            else:
                covered.add(k)
                ok(f'{where}({", ".join(names)})')
        elif name in relations:
            if args and args != '...':
                cols = [i[0] for i in parse_items(args)]
                have = [c[0] for c in relations[name]]
                if cols != have:
                    fail(f'{where}: columns are ({", ".join(have)}), not ({", ".join(cols)})')
                    continue
                tmap = dict((c[0], c[1]) for c in relations[name])
                bad = [f'{n} is {tmap[n]}, not {t}' for n, t, _ in parse_items(args)
                       if t is not None and norm_type(t) != norm_type(tmap[n])]
                if bad:
                    fail(f'{where}: ' + '; '.join(bad))
                    continue
            ok(f'{where} (relation)')
        elif name in types:
            ok(f'{where} (type)')
        else:
            fail(f'{where}: no such function, relation or type in schema safety')

    for k, r in enumerate(routines):
        sig = f'safety.{r["name"]}(' + ', '.join(a[0] + ' ' + a[1] for a in r['args']) + ')'
        if r['name'].startswith('_'):
            if r['name'] in mentions:
                ok(f'internal {sig} is named in the docs')
            else:
                fail(f'internal {sig} is named nowhere in docs/reference*.md')
        elif k in covered:
            ok(f'{sig} documented')
        else:
            fail(f'{sig} has no heading in docs/reference*.md')
    for name in sorted(relations):
        if name in mentions:
            ok(f'relation safety.{name} is named in the docs')
        else:
            fail(f'relation safety.{name} is named nowhere in docs/reference*.md')
    print(f"docs against the catalog: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
