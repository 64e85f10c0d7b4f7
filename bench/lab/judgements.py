# Train-split judgements and metrics; needs `docs` and `qids` (from the token export) in scope.
import collections, math
qrels = collections.defaultdict(dict)
for line in open('../shared/eval/scifact/qrels/train.tsv').read().strip().split('\n')[1:]:
    a, b, c = line.split('\t'); qrels[a][b] = int(c)
docidx = {d: i for i, d in enumerate(docs)}
QI = [i for i, q in enumerate(qids) if q in qrels]
REL = {i: {docidx[d]: g for d, g in qrels[qids[i]].items() if d in docidx} for i in QI}
def ndcg10(i, ranking):
    rel = REL[i]
    dcg = sum((2**rel.get(d, 0) - 1) / math.log2(r + 2) for r, d in enumerate(ranking[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0
def recall100(i, ranking):
    rel = REL[i]; return len(set(ranking[:100]) & set(rel)) / len(rel)
