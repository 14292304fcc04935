#!/usr/bin/env python3
"""toml_ref.py TOMLDUMP DIR: compares what policy/toml.c reads (as printed
by tests/tools/tomldump.c) with python3's tomllib, for every valid-*.toml
in DIR: both must accept it and see the same tree, scalars tagged with
their type.  Files named tomlbad-*.toml must be rejected by both."""
import json
import pathlib
import subprocess
import sys
import tomllib


def tag(v):
    if isinstance(v, bool):
        return {"type": "bool", "value": "true" if v else "false"}
    if isinstance(v, int):
        return {"type": "integer", "value": str(v)}
    if isinstance(v, str):
        return {"type": "string", "value": v}
    if isinstance(v, list):
        return [tag(x) for x in v]
    if isinstance(v, dict):
        return {k: tag(x) for k, x in v.items()}
    raise TypeError(f"unexpected {type(v).__name__}: {v!r}")


def main():
    dump, root = sys.argv[1], pathlib.Path(sys.argv[2])
    bad = n = 0
    for f in sorted(root.glob("valid-*.toml")) + sorted(root.glob("tomlbad-*.toml")):
        n += 1
        ours = subprocess.run([dump, str(f)], capture_output=True, text=True)
        try:
            ref = tag(tomllib.loads(f.read_bytes().decode("utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            ref = e
        if f.name.startswith("tomlbad-"):
            if ours.returncode == 0 or not isinstance(ref, Exception):
                print(f"toml-ref: {f}: accepted (ours rc {ours.returncode}, "
                      f"tomllib {'rejects' if isinstance(ref, Exception) else 'accepts'})")
                bad += 1
            continue
        if isinstance(ref, Exception):
            print(f"toml-ref: {f}: tomllib rejects it: {ref}")
            bad += 1
        elif ours.returncode != 0:
            print(f"toml-ref: {f}: we reject it: {ours.stderr.strip()}")
            bad += 1
        elif json.loads(ours.stdout) != ref:
            print(f"toml-ref: {f}: trees differ\n  ours: {ours.stdout.strip()}\n"
                  f"  tomllib: {json.dumps(ref, ensure_ascii=False)}")
            bad += 1
    print(f"toml-ref: {n} files compared with tomllib, {bad} mismatches")
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
