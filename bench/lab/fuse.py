import pickle, numpy as np, math, json, collections
exec(open('bench/lab/rr.py').read().split("print('bm25'")[0].split("F = pickle.load")[0])
F = pickle.load(open('/tmp/paperboy-lab/feats2.pkl', 'rb'))
import sys
Zd = np.load(sys.argv[1] if len(sys.argv) > 1 else '/tmp/paperboy-lab/lsa256Zd.npy'); Zq = np.load(sys.argv[2] if len(sys.argv) > 2 else '/tmp/paperboy-lab/lsa256Zq.npy')
def hyb(w, norm, K=100):
    res = []
    for i in QI:
        f = F[i]; cs_ = Zd @ Zq[i]
        semtop = np.argsort(-cs_)[:K]
        if f is None: res.append(ndcg10(i, list(semtop))); continue
        cand = list(dict.fromkeys(list(f['top'][:K]) + list(semtop)))
        bm = dict(zip(f['top'], f['bm25']))
        b = np.array([bm.get(d, 0.0) for d in cand]); s = np.array([cs_[d] for d in cand])
        if norm == 'minmax':
            b = (b - b.min()) / max(b.max() - b.min(), 1e-9); s = (s - s.min()) / max(s.max() - s.min(), 1e-9)
        elif norm == 'z':
            b = (b - b.mean()) / max(b.std(), 1e-9); s = (s - s.mean()) / max(s.std(), 1e-9)
        elif norm == 'max':
            b = b / b.max(); s = np.maximum(s, 0) / s.max()
        sc = (1 - w) * b + w * s
        res.append(ndcg10(i, [cand[j] for j in np.argsort(-sc, kind='stable')]))
    return np.mean(res)
for norm in ['max', 'minmax', 'z']:
    print(norm, [round(hyb(w, norm), 4) for w in [0.1, 0.2, 0.3, 0.4]], flush=True)
