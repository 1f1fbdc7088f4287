#!/usr/bin/env python3
"""Per-tile overhead of an emulated-cluster run (docs/testbed.md, "Where the remaining time goes").

Usage: tile-overhead.py BENCH_LOG [NODE_LOG_GLOB] [--list]
  BENCH_LOG      output of `EDGEFUSE_LOG_LEVEL=DEBUG edgefuse bench cluster ...` (the coordinator's tile lines)
  NODE_LOG_GLOB  the nodes' logs of the same run (default /run/edgefuse-testbed/logs/*.log; `bench cluster`
                 reuses the names at the next `up`, so copy them first)
For the first tile of every node in every stage of the timed requests, fits round trip minus node compute
against the tile's bytes (in + out) per device kind, and compares node compute with the cost model's.
"""
import re, sys, glob, collections, datetime
bench = sys.argv[1]
def ts(s):
    h, m, rest = s.split(':'); sec = float(rest)
    return int(h)*3600 + int(m)*60 + sec
coord = []  # (t, task, node, rt, comp, prt, pcomp)
pat = re.compile(r'^(\d\d:\d\d:\d\d\.\d+) DEBUG .*tile (\S+) on (\S+): round trip (\d+) ms \(predicted (\d+)\), node compute (\d+) ms \(predicted (\d+)\)')
for line in open(bench, errors='replace'):
    m = pat.match(line)
    if m:
        coord.append((ts(m[1]), m[2], m[3], int(m[4]), int(m[6]), int(m[5]), int(m[7])))
nodes = collections.defaultdict(list)
npat = re.compile(r'^(\d\d:\d\d:\d\d\.\d+) DEBUG .*node (\S+): task (\S+) \((\d+) B in, (\d+) B out\): decode\+check ([\d.]+) ms, run ([\d.]+) ms, encode ([\d.]+) ms')
for f in glob.glob(sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != '--list' else '/run/edgefuse-testbed/logs/*.log'):
    for line in open(f, errors='replace'):
        m = npat.match(line)
        if m:
            nodes[(m[3], m[2])].append((ts(m[1]), int(m[4]), int(m[5]), float(m[6]), float(m[7]), float(m[8])))
rows = []
for (t, task, node, rt, comp, prt, pcomp) in coord:
    req = task.split('/')[0]
    if re.search(r'-w\d+$', req): continue   # warm-up
    cands = [x for x in nodes.get((task, node), []) if abs(x[0] - t) < 30]
    if not cands: continue
    x = min(cands, key=lambda x: abs(x[0]-t))
    rows.append(dict(t=t, task=task, node=node, rt=rt, comp=comp, prt=prt, pcomp=pcomp, bin=x[1], bout=x[2], dec=x[3], run=x[4], enc=x[5]))
# first tile per (request, stage, node): the smallest round trip
groups = collections.defaultdict(list)
for r in rows:
    req, st, _ = r['task'].split('/')
    groups[(req, st, r['node'])].append(r)
first = [min(g, key=lambda r: r['rt']) for g in groups.values()]
print(f"{len(rows)} timed tiles, {len(first)} first-per-node-and-stage")
def fit(rs):
    xs = [(r['bin'] + r['bout'])/1e6 for r in rs]; ys = [r['rt'] - r['comp'] for r in rs]
    n = len(xs); mx = sum(xs)/n; my = sum(ys)/n
    sxx = sum((x-mx)**2 for x in xs); sxy = sum((x-mx)*(y-my) for x, y in zip(xs, ys))
    b = sxy/sxx if sxx > 0 else 0; a = my - b*mx
    return a, b, n
for dev in ['pi4', 'pi3', '']:
    rs = [r for r in first if r['node'].startswith(dev)]
    if len(rs) < 3: continue
    a, b, n = fit(rs)
    dec = sum(r['dec']+r['enc'] for r in rs)/n
    print(f"{dev or 'all'}: n={n} round trip - node compute = {a:.1f} ms + {b:.1f} ms/MB (in+out); node decode+encode mean {dec:.1f} ms; mean MB {sum(r['bin']+r['bout'] for r in rs)/n/1e6:.2f}")
# compute prediction error
for dev in ['pi4', 'pi3']:
    rs = [r for r in rows if r['node'].startswith(dev) and r['pcomp'] > 20]
    if rs:
        err = sum(r['comp'] for r in rs)/sum(r['pcomp'] for r in rs) - 1
        print(f"{dev}: node compute vs cost model over {len(rs)} tiles: {err*100:+.0f}% ; round trip vs predicted {sum(r['rt'] for r in rs)/sum(r['prt'] for r in rs)*100-100:+.0f}%")
if '--list' in sys.argv:
    for r in sorted(first, key=lambda r: r['bin']+r['bout'])[::max(1, len(first)//25)]:
        print(f"{r['task']:28s} {r['node']:6s} MB {(r['bin']+r['bout'])/1e6:6.2f} rt {r['rt']:5d} comp {r['comp']:5d} over {r['rt']-r['comp']:5d} dec {r['dec']:5.1f} enc {r['enc']:5.1f} (pred rt {r['prt']} comp {r['pcomp']})")
