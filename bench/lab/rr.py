import pickle, numpy as np, math, itertools
import json
D = json.load(open('/tmp/paperboy-lab/scifact_tokens.json')); docs, qids = D['docs'], D['queries']
exec(open('bench/lab/judgements.py').read())
F = pickle.load(open('/tmp/paperboy-lab/feats.pkl', 'rb'))
def norm(x): m = x.max(); return x / m if m > 0 else x
def run(w, qs=QI):
    res = []
    for i in qs:
        f = F[i]
        if f is None: res.append(0); continue
        sc = sum(wt * norm(f[k]) for k, wt in w.items())
        order = f['top'][np.argsort(-sc, kind='stable')]
        res.append(ndcg10(i, list(order)))
    return np.mean(res)
print('bm25', run({'bm25': 1}))
for k in ['title', 'abs', 'cov', 'lm', 'sent', 'sentcov']:
    print(k, 'alone', round(run({k: 1}), 4), ' +0.1', round(run({'bm25': 1, k: 0.1}), 4), '+0.3', round(run({'bm25': 1, k: 0.3}), 4), '+0.6', round(run({'bm25': 1, k: 0.6}), 4), '+1', round(run({'bm25': 1, k: 1}), 4))
