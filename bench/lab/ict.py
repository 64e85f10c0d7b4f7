exec(open('bench/lab/lab.py').read())
from scipy.sparse.linalg import svds, LinearOperator
import pickle, sys
sentDoc, TF_S = sentences()
RAW = (TF_T + TF_A).tocsr()
DF = np.asarray((RAW > 0).sum(0)).ravel()
lidf = np.log((N + 1) / (DF + 1)) * (DF > 0)
def tfidf(M):
    X = M.copy().astype(float).tocsr(); X.data = 1 + np.log(X.data); X = X @ sp.diags(lidf)
    nrm = np.sqrt(np.asarray(X.multiply(X).sum(1)).ravel())
    return sp.diags(1 / np.maximum(nrm, 1e-9)) @ X
# pairs: sentence -> rest of its doc (incl. title); title -> abstract
P = sp.csr_matrix((np.ones(len(sentDoc)), (np.arange(len(sentDoc)), sentDoc)), shape=(len(sentDoc), N))
REST = (P @ RAW) - TF_S
REST.data = np.maximum(REST.data, 0); REST.eliminate_zeros()
A = sp.vstack([tfidf(TF_S), tfidf(TF_T)]).tocsr()
B = sp.vstack([tfidf(REST), tfidf(TF_A)]).tocsr()
At, Bt = A.T.tocsr(), B.T.tocsr()
k = int(sys.argv[1]) if len(sys.argv) > 1 else 256
op = LinearOperator((V, V), matvec=lambda x: At @ (B @ x), rmatvec=lambda x: Bt @ (A @ x), dtype=float)
U, s, Vt = svds(op, k=k)
o = np.argsort(-s); U, s, Vt = U[:, o], s[o], Vt[o]
Dx = tfidf(RAW)
def emb(X, M, p): Z = (X @ M) * (s ** p); return Z / np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-9)
qrows, qcols = [], []
for i, q in enumerate(Q):
    for t in q: qrows.append(i); qcols.append(t)
QX = tfidf(sp.csr_matrix((np.ones(len(qrows)), (qrows, qcols)), shape=(len(Q), V)))
for p in [0, 0.5, 1]:
    for side in ['UV', 'VV', 'UU']:
        Mq = U if side[0] == 'U' else Vt.T; Md = Vt.T if side[1] == 'V' else U
        Zd = emb(Dx, Md, p); Zq = emb(QX, Mq, p)
        print(k, p, side, evaluate(lambda i: Zd @ Zq[i] + 1), flush=True)
pickle.dump(dict(U=U, s=s, Vt=Vt), open(f'/tmp/paperboy-lab/ict{k}.pkl', 'wb'))
