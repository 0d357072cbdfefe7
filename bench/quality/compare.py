#!/usr/bin/env python3
"""Per-log comparison of two excerpt files against labelled cases, with the shared scorer's rules.

usage: compare.py DATASET_DIR BEFORE.jsonl AFTER.jsonl
Prints each log whose recall differs (and the labelled lines AFTER lost), then `worse N better M`.
The scorer is read from $SCORER (default /work/shared/tools/score-excerpts.py).
"""
import importlib.util, json, os, sys

path = os.environ.get("SCORER", "/work/shared/tools/score-excerpts.py")
spec = importlib.util.spec_from_file_location("scorer", path)
s = importlib.util.module_from_spec(spec)
spec.loader.exec_module(s)


def load(f):
    return {o["file"]: o["excerpt"] for o in (json.loads(l) for l in open(f) if l.strip())}


def lookup(d, rel):
    return next((v for k, v in d.items() if k.endswith(rel)), [])


def main(ds, before_file, after_file):
    before, after = load(before_file), load(after_file)
    worse = better = 0
    for c in (json.loads(l) for l in open(ds + "/cases.jsonl")):
        want = [n for n in (s.norm(x) for x in c["chunk"].split("\n")) if n]
        raw = [n for n in (s.norm(x) for x in open(ds + "/" + c["log"], encoding="utf-8", errors="replace").read().split("\n")) if n]
        rawset = set(raw)
        findable = [w for w in want if s.found(w, rawset, raw)][: s.CAP]
        if not findable:
            continue

        def missed(excerpt):
            have_list = [n for n in (s.norm(x) for x in excerpt) if n]
            have = set(have_list)
            return [w for w in findable if not s.found(w, have, have_list)]

        mb, ma = missed(lookup(before, c["log"])), missed(lookup(after, c["log"]))
        rb, ra = 1 - len(mb) / len(findable), 1 - len(ma) / len(findable)
        if ra < rb - 1e-9:
            worse += 1
            print(f"WORSE  {c['log']} {rb:.2f} -> {ra:.2f}")
            for w in ma:
                if w not in mb:
                    print(f"       lost: {w[:160]}")
        elif ra > rb + 1e-9:
            better += 1
            print(f"better {c['log']} {rb:.2f} -> {ra:.2f}")
    print(f"worse {worse} better {better}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
