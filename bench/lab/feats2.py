exec(open('bench/lab/lab.py').read())
from scipy.sparse.linalg import svds
import pickle
F = pickle.load(open('/tmp/paperboy-lab/feats.pkl', 'rb'))
RAW = (TF_T + TF_A).tocsr(); TF = (3 * TF_T + TF_A).tocsr()
idf0 = fts_idf(); dl = len_t + len_a
X = RAW.copy().astype(float); X.data = 1 + np.log(X.data); lidf = np.log(N / np.maximum(DF, 1)); X = X @ sp.diags(lidf)
X = sp.diags(1 / np.maximum(np.sqrt(np.asarray(X.multiply(X).sum(1)).ravel()), 1e-9)) @ X
U, s, Vt = svds(X, k=300)
Z = U * s; Z /= np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-9)
S = Z @ Z.T; np.fill_diagonal(S, -1)
nn = 10
idx = np.argpartition(-S, nn, axis=1)[:, :nn]
rows = np.repeat(np.arange(N), nn); cols = idx.ravel(); vals = np.maximum(S[rows, cols], 0)
W = sp.csr_matrix((vals, (rows, cols)), shape=(N, N))
Pn = sp.diags(1 / np.maximum(dl, 1)) @ RAW
E = (W @ Pn); E = sp.diags(1 / np.maximum(np.asarray(E.sum(1)).ravel(), 1e-9)) @ E
TFX = (TF + sp.diags(0.5 * dl) @ E).tocsc(); TFc = TF.tocsc()
avg = dl.mean(); k1, b = 1.2, 0.75; nrm = k1 * (1 - b + b * dl / avg)
for i in QI:
    f = F[i]
    if f is None: continue
    q = Q[i]; top = f['top']
    sx = np.zeros(N); s0 = np.zeros(N)
    qv = np.zeros(V)
    for t in q:
        tf = TFX[:, t].toarray().ravel(); sx += idf0[t] * tf * (k1 + 1) / (tf + nrm)
        tf0 = TFc[:, t].toarray().ravel(); s0 += idf0[t] * tf0 * (k1 + 1) / (tf0 + nrm)
        qv[t] += lidf[t]
    # query LSA vector: fold-in
    qz = (qv @ Vt.T); qz /= max(np.linalg.norm(qz), 1e-9)
    cos = Z @ qz
    f['exp'] = sx[top]; f['lsa'] = np.maximum(cos[top], 0)
    # score regularisation over all-docs neighbour graph using base score
    f['reg'] = np.asarray(W[top] @ s0).ravel()
    # doc centrality among top-k: mean sim to top-10 docs
    t10 = top[:10]; f['cent'] = np.maximum((Z[top] @ Z[t10].T).mean(1), 0)
pickle.dump(F, open('/tmp/paperboy-lab/feats2.pkl', 'wb'))
