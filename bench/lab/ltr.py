import sys
exec(open('bench/lab/rr.py').read().split("print('bm25'")[0])
F = pickle.load(open('/tmp/paperboy-lab/feats2.pkl', 'rb'))
feats = sys.argv[1].split(',') if len(sys.argv) > 1 else ['bm25','exp','lsa','reg','cent','cov','lm','sent','sentcov','title','abs']
for k in feats[1:]:
    print(k, [round(run({'bm25': 1, k: w}), 4) for w in [0.05, 0.1, 0.2, 0.4]])
def coord_ascent(qs, feats, rounds=2):
    w = {k: 0.0 for k in feats}; w['bm25'] = 1.0
    best = run(w, qs)
    for _ in range(rounds):
        for k in feats:
            if k == 'bm25': continue
            for v in [-0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2, 0.3, 0.5]:
                w2 = dict(w); w2[k] = v
                r = run(w2, qs)
                if r > best + 1e-6: best, w = r, w2
    return w, best
import random
qs = [i for i in QI if F[i] is not None]
random.seed(0); random.shuffle(qs)
folds = [qs[j::5] for j in range(5)]
tot = []
for j in range(5):
    train = [i for k, f in enumerate(folds) if k != j for i in f]
    w, b = coord_ascent(train, feats)
    te = run(w, folds[j]); tot.append(te * len(folds[j]))
    print('fold', j, 'train', round(b, 4), 'test', round(te, 4), {k: v for k, v in w.items() if v})
allq = [i for i in QI]
print('CV nDCG@10', sum(tot) / len(qs), ' (base on same qs', run({'bm25': 1}, qs), ')')
