exec(open('bench/lab/lab.py').read())
import pickle
sentDoc, TF_S = sentences()
TFT_c = TF_T.tocsc(); TFA_c = TF_A.tocsc(); TFS_c = TF_S.tocsc()
len_s = np.asarray(TF_S.sum(1)).ravel()
DF = np.asarray(((TF_T + TF_A) > 0).sum(0)).ravel()
DFS = np.asarray((TF_S > 0).sum(0)).ravel(); NS = len(sentDoc)
idf = np.maximum(np.log((N - DF + 0.5) / (DF + 0.5)), 1e-6)
idfs = np.maximum(np.log((NS - DFS + 0.5) / (DFS + 0.5)), 1e-6)
dl = len_t + len_a; avgdl = dl.mean(); avgsl = len_s.mean()
# document (title,abstract) tf columns
def col(M, t): return M[:, t].toarray().ravel()
coll_tf = np.asarray((TF_T + TF_A).sum(0)).ravel(); CL = coll_tf.sum()
out = {}
for i in QI:
    q = Q[i]
    if not q: out[i] = None; continue
    k1, b = 1.2, 0.75
    s = np.zeros(N); st = np.zeros(N); sa = np.zeros(N); cov = np.zeros(N); lm = np.zeros(N)
    norm = k1 * (1 - b + b * dl / avgdl)
    ss = np.zeros(NS); smatch = np.zeros(NS)
    snorm = k1 * (1 - b + b * len_s / avgsl)
    mu = 1000
    for t in q:
        tt, ta = col(TFT_c, t), col(TFA_c, t)
        tf = 3 * tt + ta
        s += idf[t] * tf * (k1 + 1) / (tf + norm)
        st += idf[t] * tt * (k1 + 1) / (tt + k1 * (1 - b + b * len_t / len_t.mean()))
        sa += idf[t] * ta * (k1 + 1) / (ta + k1 * (1 - b + b * len_a / len_a.mean()))
        cov += idf[t] * ((tt + ta) > 0)
        lm += np.log((tt + ta + mu * coll_tf[t] / CL) / (dl + mu)) - np.log(mu * coll_tf[t] / CL / (dl + mu))
        tsn = col(TFS_c, t)
        ss += idfs[t] * tsn * (k1 + 1) / (tsn + snorm)
        smatch += idf[t] * (tsn > 0)
    # best sentence per doc
    best = np.zeros(N); np.maximum.at(best, sentDoc, ss)
    bestcov = np.zeros(N); np.maximum.at(bestcov, sentDoc, smatch)
    qmass = sum(idf[t] for t in q)
    top = np.argsort(-s, kind='stable')[:200]
    top = top[s[top] > 0]
    out[i] = dict(top=top, bm25=s[top], title=st[top], abs=sa[top], cov=cov[top] / qmass, lm=lm[top], sent=best[top], sentcov=bestcov[top] / qmass, dl=dl[top])
pickle.dump(out, open('/tmp/paperboy-lab/feats.pkl', 'wb'))
