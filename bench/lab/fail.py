import pickle, json, collections, math, numpy as np, zlib, gzip
F = pickle.load(open('/tmp/paperboy-lab/feats.pkl', 'rb'))
D = json.load(open('/tmp/paperboy-lab/scifact_tokens.json')); docs, qids = D['docs'], D['queries']
corpus = [json.loads(l) for l in gzip.open('../shared/eval/scifact/corpus.jsonl.gz', 'rt')]
queries = [json.loads(l) for l in open('../shared/eval/scifact/queries.jsonl')]
qrels = collections.defaultdict(dict)
for line in open('../shared/eval/scifact/qrels/train.tsv').read().strip().split('\n')[1:]:
    a, b, c = line.split('\t'); qrels[a][b] = int(c)
docidx = {d: i for i, d in enumerate(docs)}
import random; random.seed(3)
ranks = []
for i, q in enumerate(qids):
    if q not in qrels or F[i] is None: continue
    top = list(F[i]['top'])
    for d in qrels[q]:
        r = top.index(docidx[d]) if docidx[d] in top else 999
        ranks.append((r, i, docidx[d]))
print('rank dist', collections.Counter(min(r, 20) if r < 999 else 999 for r, _, _ in ranks).most_common())
bad = [x for x in ranks if 1 <= x[0] < 999]
for r, i, d in random.sample(bad, 8):
    print('---- rank', r, '| Q:', queries[i]['text'])
    print('  REL:', corpus[d]['title'])
    t0 = F[i]['top'][0]; print('  TOP1:', corpus[t0]['title'])
