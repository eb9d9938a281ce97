#!/usr/bin/env python3
"""Measures the near-identical threshold of the risk feedback (settings.near_identical).

Embeds the 193 force majeure provisions of ../shared/data/cuad/force_majeure_gold.jsonl and a copy
of each with one random word deleted (seed 7) with `target/release/clausal embed`, then prints the
cosine of each provision to its edited copy, and of provisions of different contracts to each
other. Run from the repository root after `cargo build --release`."""
import json, random, subprocess
random.seed(7)
rows=[json.loads(l) for l in open('../shared/data/cuad/force_majeure_gold.jsonl')]
texts=[" ".join(r['text'].split()) for r in rows]
edits=[]
for t in texts:
    w=t.split()
    i=random.randrange(len(w))
    w2=w[:i]+w[i+1:]          # one word deleted
    edits.append(" ".join(w2))
allt=texts+edits
out=subprocess.run(['./target/release/clausal','embed'],input="\n".join(allt)+"\n",capture_output=True,text=True).stdout
vecs=[json.loads(l)['embedding'] for l in out.splitlines()]
n=len(texts)
def cos(a,b): return sum(x*y for x,y in zip(a,b))
same=[cos(vecs[i],vecs[n+i]) for i in range(n)]
cross=[]
for i in range(n):
    for j in range(i+1,n):
        if rows[i]['contract']!=rows[j]['contract']:
            cross.append(cos(vecs[i],vecs[j]))
same.sort(); cross.sort()
q=lambda a,p: a[min(len(a)-1,int(p*len(a)))]
print("one-word deletions: n=%d min %.4f p1 %.4f p5 %.4f median %.4f"%(len(same),same[0],q(same,.01),q(same,.05),q(same,.5)))
print("different contracts' FM provisions: n=%d median %.4f p99 %.4f p99.9 %.4f max %.4f"%(len(cross),q(cross,.5),q(cross,.99),q(cross,.999),cross[-1]))
print("cross pairs >= 0.95: %d (%.3f%%)"%(sum(c>=0.95 for c in cross),100*sum(c>=0.95 for c in cross)/len(cross)))
print("one-word deletions < 0.95: %d"%sum(s<0.95 for s in same))
