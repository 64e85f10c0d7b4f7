import json, numpy as np, scipy.sparse as sp, math, collections
D = json.load(open('/tmp/paperboy-lab/scifact_tokens.json'))
docs, qids = D['docs'], D['queries']
vocab = {}
def vid(t):
    if t not in vocab: vocab[t] = len(vocab)
    return vocab[t]
def mat(toklists):
    rows, cols = [], []
    for i, toks in enumerate(toklists):
        for t in toks: rows.append(i); cols.append(vid(t))
    return rows, cols
rt, ct = mat([d[0] for d in D['dtok']]); ra, ca = mat([d[1] for d in D['dtok']])
N = len(docs); V = len(vocab)
TF_T = sp.csr_matrix((np.ones(len(rt)), (rt, ct)), shape=(N, V))
TF_A = sp.csr_matrix((np.ones(len(ra)), (ra, ca)), shape=(N, V))
TF_T.sum_duplicates(); TF_A.sum_duplicates()
len_t = np.asarray(TF_T.sum(1)).ravel(); len_a = np.asarray(TF_A.sum(1)).ravel()
DF = np.asarray(((TF_T + TF_A) > 0).sum(0)).ravel()
Q = [[vocab[t] for t in q if t in vocab] for q in D['qtok']]
Qraw = D['qtok']
exec(open('bench/lab/judgements.py').read())
def evaluate(scorefn, qs=None):
    qs = QI if qs is None else qs
    n, r = [], []
    for i in qs:
        s = scorefn(i)
        top = np.argsort(-s, kind='stable')[:100]
        top = [d for d in top if s[d] > 0] if True else top
        n.append(ndcg10(i, top)); r.append(recall100(i, top))
    return np.mean(n), np.mean(r)
TFT_c = TF_T.tocsc(); TFA_c = TF_A.tocsc()
def fts_idf():
    return np.maximum(np.log((N - DF + 0.5) / (DF + 0.5)), 1e-6)
def sentences():
    """Sentence × term counts of the abstracts (for best-sentence features and inverse-cloze pairs)."""
    global TF_T, TF_A, V
    S = json.load(open('/tmp/paperboy-lab/scifact_sents.json'))
    sentDoc = np.array(S['sentDoc'])
    rs, cs = [], []
    for i, toks in enumerate(S['stok']):
        for t in toks: rs.append(i); cs.append(vid(t))
    V = len(vocab)
    TF_S = sp.csr_matrix((np.ones(len(rs)), (rs, cs)), shape=(len(sentDoc), V)); TF_S.sum_duplicates()
    TF_T.resize((N, V)); TF_A.resize((N, V))
    return sentDoc, TF_S
