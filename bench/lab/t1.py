exec(open('bench/lab/lab.py').read())
idf = fts_idf()
dl = len_t + len_a; avgdl = dl.mean()
def bm25_fts(i, wt=3.0, wa=1.0, k1=1.2, b=0.75):
    s = np.zeros(N)
    norm = k1 * (1 - b + b * dl / avgdl)
    for t in Q[i]:
        tf = wt * TFT_c[:, t].toarray().ravel() + wa * TFA_c[:, t].toarray().ravel()
        s += idf[t] * tf * (k1 + 1) / (tf + norm)
    return s
print('fts-like title3', evaluate(bm25_fts))
print('title1', evaluate(lambda i: bm25_fts(i, wt=1)))
for k1 in [0.6, 0.9, 1.2, 1.6, 2.0]:
    for b in [0.3, 0.5, 0.75, 0.9]:
        print(k1, b, evaluate(lambda i: bm25_fts(i, k1=k1, b=b)))
