src = open('bench/lab/ict.py').read().split('# pairs:')[0]
exec(src)
Dx = tfidf(RAW)
qrows, qcols = [], []
for i, q in enumerate(Q):
    for t in q: qrows.append(i); qcols.append(t)
QX = tfidf(sp.csr_matrix((np.ones(len(qrows)), (qrows, qcols)), shape=(len(Q), V)))
U, s, Vt = svds(Dx, k=384); o = np.argsort(-s); s, Vt = s[o], Vt[o]
for k in [64, 128, 256, 384]:
    for p in [0, 0.5, 1]:
        W = Vt[:k].T * (s[:k] ** p)
        Zd = Dx @ W; Zd /= np.maximum(np.linalg.norm(Zd, axis=1, keepdims=True), 1e-9)
        Zq = QX @ W; Zq /= np.maximum(np.linalg.norm(Zq, axis=1, keepdims=True), 1e-9)
        print(k, p, evaluate(lambda i: Zd @ Zq[i] + 1), flush=True)
for k in [256, 384]:
    W = Vt[:k].T
    Zd = Dx @ W; Zd /= np.maximum(np.linalg.norm(Zd, axis=1, keepdims=True), 1e-9)
    Zq = QX @ W; Zq /= np.maximum(np.linalg.norm(Zq, axis=1, keepdims=True), 1e-9)
    np.save(f'/tmp/paperboy-lab/lsa{k}Zd.npy', Zd); np.save(f'/tmp/paperboy-lab/lsa{k}Zq.npy', Zq)
