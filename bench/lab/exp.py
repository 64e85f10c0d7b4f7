exec(open('bench/lab/lab.py').read())
from scipy.sparse.linalg import svds
import sys
TF = (3 * TF_T + TF_A).tocsr()   # weighted tf as bm25 sees
RAW = (TF_T + TF_A).tocsr()
idf0 = fts_idf()
dl = len_t + len_a
# LSA
X = RAW.copy().astype(float); X.data = 1 + np.log(X.data); X = X @ sp.diags(np.log(N / np.maximum(DF, 1)))
X = sp.diags(1 / np.maximum(np.sqrt(np.asarray(X.multiply(X).sum(1)).ravel()), 1e-9)) @ X
def lsa(k):
    U, s, Vt = svds(X, k=k)
    Z = U * s ** float(__import__("os").environ.get("LSA_P", "0")); Z /= np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-9)
    return Z
def bm25_on(TFw, dlen, qs=None, k1=1.2, b=0.75):
    C = TFw.tocsc(); avg = dlen.mean(); nrm = k1 * (1 - b + b * dlen / avg)
    def f(i):
        s = np.zeros(N)
        for t in Q[i]:
            tf = C[:, t].toarray().ravel()
            s += idf0[t] * tf * (k1 + 1) / (tf + nrm)
        return s
    return f
print('base', evaluate(bm25_on(TF, dl)))
for k in [256]:
    Z = lsa(k)
    S = Z @ Z.T; np.fill_diagonal(S, -1)
    for nn in [5, 10, 20, 40, 80]:
        idx = np.argpartition(-S, nn, axis=1)[:, :nn]
        rows = np.repeat(np.arange(N), nn); cols = idx.ravel(); vals = np.maximum(S[rows, cols], 0)
        W = sp.csr_matrix((vals, (rows, cols)), shape=(N, N))
        # neighbour term distribution, length-normalised per neighbour
        Pn = sp.diags(1 / np.maximum(dl, 1)) @ RAW
        E = (W @ Pn)  # expected term mass
        E = sp.diags(1 / np.maximum(np.asarray(E.sum(1)).ravel(), 1e-9)) @ E
        for lam in [0.25, 0.5, 1.0, 1.5, 2.5]:
            add = sp.diags(lam * dl) @ E   # λ·|d| tokens of expansion
            for keep_len in [True]:
                r = evaluate(bm25_on(TF + add, dl))
                print(k, nn, lam, r, flush=True)
