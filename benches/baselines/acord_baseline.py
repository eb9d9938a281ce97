#!/usr/bin/env python3
"""The plain baseline for `clausal eval acord`: rank_bm25 (Okapi BM25 over lower-cased word
tokens) and sentence-transformers all-MiniLM-L6-v2 (cosine), fused by RRF k=60, on the same
ACORD corpus, queries and graded qrels, with the same metrics (nDCG@5, nDCG@10 with linear
gains, P@5 with grades 3-4 relevant), ranking the whole corpus and only the judged clauses.

usage: acord_baseline.py ACORD_DIR MODEL_DIR    (pip install rank_bm25 sentence-transformers)
"""
import csv, json, math, os, re, sys
os.environ['HF_HUB_OFFLINE'] = '1'
import numpy as np, torch
from rank_bm25 import BM25Okapi
from sentence_transformers import SentenceTransformer
torch.set_num_threads(2)

d, model = sys.argv[1], sys.argv[2]
corpus = [json.loads(l) for l in open(os.path.join(d, 'corpus.jsonl')) if l.strip()]
ids = [c['_id'] for c in corpus]
texts = {json.loads(l)['_id']: json.loads(l)['text'] for l in open(os.path.join(d, 'queries.jsonl')) if l.strip()}
queries = []  # (text, split, {corpus_id: grade})
for f in sorted(os.listdir(os.path.join(d, 'qrels'))):
    if not f.endswith('.tsv'):
        continue
    by = {}
    with open(os.path.join(d, 'qrels', f)) as fh:
        for row in csv.DictReader(fh, delimiter='\t'):
            by.setdefault(row['query-id'], {})[row['corpus-id']] = int(row['score'])
    for q, g in sorted(by.items()):
        queries.append((texts.get(q, q), f[:-4], g))

tok = lambda s: re.findall(r'\w+', s.lower())
bm25 = BM25Okapi([tok(c['text']) for c in corpus])
st = SentenceTransformer(model, device='cpu', model_kwargs={'dtype': torch.float32})
cv = st.encode([c['text'] for c in corpus], batch_size=32, normalize_embeddings=True)
qv = st.encode([q[0] for q in queries], batch_size=32, normalize_embeddings=True)

def metrics(ranked, grades):
    ideal = sorted(grades.values(), reverse=True)
    def ndcg(k):
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal[:k]))
        dcg = sum(grades.get(r, 0) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
        return dcg / idcg if idcg else 0.0
    return ndcg(5), ndcg(10), sum(grades.get(r, 0) >= 3 for r in ranked[:5]) / 5

def rank(scores, allowed):
    order = np.argsort(-scores, kind='stable')
    return [ids[i] for i in order if allowed is None or ids[i] in allowed][:100]

res = {}
for (qt, split, grades), v in zip(queries, qv):
    b = bm25.get_scores(tok(qt)); s = cv @ v
    for judged in (False, True):
        allowed = set(grades) if judged else None
        rb, rv = rank(b, allowed), rank(s, allowed)
        fused = {}
        for lst in (rb, rv):
            for i, r in enumerate(lst):
                fused[r] = fused.get(r, 0) + 1 / (60 + i + 1)
        rh = sorted(fused, key=lambda r: -fused[r])
        for split_name in (split, 'all'):
            key = ('judged only' if judged else 'whole corpus', split_name)
            acc = res.setdefault(key, {'n': 0, 'bm25': np.zeros(3), 'vector': np.zeros(3), 'hybrid': np.zeros(3)})
            acc['n'] += 1
            for name, r in (('bm25', rb), ('vector', rv), ('hybrid', rh)):
                acc[name] += metrics(r, grades)
print(f"python baseline (rank_bm25 + sentence-transformers MiniLM + RRF k=60): {len(corpus)} corpus clauses")
for (setting, split), acc in sorted(res.items()):
    n = acc['n']
    row = '  '.join(f"{name} {acc[name][0]/n:.3f} {acc[name][1]/n:.3f} {acc[name][2]/n:.3f}" for name in ('bm25', 'vector', 'hybrid'))
    print(f"  {setting:12} {split:6} {n:3} queries  nDCG@5 nDCG@10 P@5: {row}")
