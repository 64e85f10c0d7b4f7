/**
 * The HTTP bench's 1,653 distinct two-word queries (every pair of 58 words), in the order it sends them:
 * also the queries `bench/lab/hybrid-vectors.ts` replays against a node's vector index.
 */
export function benchQueries(): string[] {
  const terms = ('diffusion language model reasoning graph neural vision transformer reinforcement feedback video image ' +
    'segmentation detection robot policy agent benchmark retrieval generation audio speech translation alignment ' +
    'preference reward optimization sparse attention memory efficient quantization pruning distillation federated ' +
    'privacy adversarial robustness uncertainty causal medical protein molecule physics simulation planning ' +
    'navigation tracking depth point cloud mesh editing instruction tuning evaluation multimodal contrastive').split(' ');
  return terms.flatMap((a, i) => terms.slice(i + 1).map((b) => `${a} ${b}`));
}
