#!/usr/bin/env python3
"""clausal vs PyTorch sentence-transformers: embedding throughput on CUAD clause texts.

usage: python3 benches/compare_torch.py [--rounds 3] [--runs 3] [--every 20] [--threads 1 2]

Takes every N-th clause text of ../shared/data/cuad/clauses.jsonl (read at run time, written only
to target/cmp/, never committed), then for each round and thread count runs, alternately,
`clausal eval throughput` and ../shared/bench/embed_torch.py on the same texts, each reporting
the median of its runs. Prints the median over rounds of sentences per CPU-second (and per
wall-second), and the ratio clausal / PyTorch. Peak RSS is clausal's largest over all runs.

Environment: CLAUSAL_DATA (default ../shared/data), TORCH_PYTHON (default /work/venv-torch/bin/python),
TORCH_MODEL (default ../shared/models/all-MiniLM-L6-v2), CLAUSAL_ARGS (extra flags for clausal).
"""
import argparse, json, os, re, statistics, subprocess, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
p = argparse.ArgumentParser()
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--every", type=int, default=20)
p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
a = p.parse_args()

data = Path(os.environ.get("CLAUSAL_DATA", root / "../shared/data"))
torch_python = os.environ.get("TORCH_PYTHON", "/work/venv-torch/bin/python")
torch_model = os.environ.get("TORCH_MODEL", str(root / "../shared/models/all-MiniLM-L6-v2"))
torch_script = str(root / "../shared/bench/embed_torch.py")

texts = []
with open(data / "cuad" / "clauses.jsonl", encoding="utf-8") as f:
    for line in f:
        t = " ".join(json.loads(line)["text"].split())
        if t:
            texts.append(t)
texts = texts[:: a.every]
out = root / "target" / "cmp"
out.mkdir(parents=True, exist_ok=True)
path = out / f"cuad-clauses-every{a.every}.txt"
path.write_text("\n".join(texts) + "\n", encoding="utf-8")
print(f"{len(texts)} CUAD clause texts (every {a.every}th of clauses.jsonl) in {path}", flush=True)

subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "clausal"], cwd=root, check=True)
clausal = str(root / "target" / "release" / "clausal")
extra = os.environ.get("CLAUSAL_ARGS", "").split()

def clausal_run(threads):
    r = subprocess.run([clausal, "eval", "throughput", "--texts", str(path), "--runs", str(a.runs),
                        "--threads", str(threads), "--json", *extra],
                       capture_output=True, text=True, check=True)
    j = json.loads(r.stdout)
    return len(texts) / j["cpu_median_s"], len(texts) / j["wall_median_s"], j["peak_rss_bytes"], j["engine"]

def torch_run(threads):
    r = subprocess.run([torch_python, torch_script, torch_model, str(path), "--threads", str(threads),
                        "--runs", str(a.runs)], capture_output=True, text=True, check=True)
    cpu = float(re.search(r"-> ([\d.]+) sentences per CPU-second", r.stdout).group(1))
    wall = float(re.search(r"-> ([\d.]+) sentences/s", r.stdout).group(1))
    return cpu, wall

results = {t: {"clausal": [], "torch": []} for t in a.threads}
peak, engine = 0, "?"
for rnd in range(a.rounds):
    for t in a.threads:
        cpu, wall, rss, engine = clausal_run(t)
        peak = max(peak, rss or 0)
        results[t]["clausal"].append((cpu, wall))
        tcpu, twall = torch_run(t)
        results[t]["torch"].append((tcpu, twall))
        print(f"round {rnd + 1} threads {t}: clausal {cpu:.1f}/CPU-s {wall:.1f}/s | "
              f"torch {tcpu:.1f}/CPU-s {twall:.1f}/s", flush=True)

print(f"\nclausal engine {engine}; {len(texts)} texts; medians of {a.rounds} rounds "
      f"(each the median of {a.runs} runs)")
print("threads  clausal/CPU-s  torch/CPU-s  ratio  |  clausal/s  torch/s  ratio")
for t in a.threads:
    c = statistics.median(x[0] for x in results[t]["clausal"])
    tc = statistics.median(x[0] for x in results[t]["torch"])
    w = statistics.median(x[1] for x in results[t]["clausal"])
    tw = statistics.median(x[1] for x in results[t]["torch"])
    print(f"{t:>7}  {c:>13.1f}  {tc:>11.1f}  {c / tc:>5.2f}  |  {w:>9.1f}  {tw:>7.1f}  {w / tw:>5.2f}")
print(f"clausal peak RSS {peak / 2**20:.0f} MiB")
