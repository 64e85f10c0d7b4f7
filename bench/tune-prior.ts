/**
 * Sweeps the community prior (src/search/keyword/prior.ts) on the navigational dev set and prints, for
 * each setting, its MRR@10 on the popular names (`dev`), on names chosen whatever their votes (`dev-any`)
 * and on every other set given: the prior must find popular papers without burying the rest.
 * Dev and train splits only. Keyword mode (the prior acts on the keyword ranking; hybrid inherits it).
 *
 *   npx tsx bench/tune-prior.ts eval-data/hf-nav [other BEIR dirs…]
 */
import { DEFAULT_PRIOR, onlySplit, runEval, type PriorOptions } from '../src/search/index.ts';

const [nav, ...others] = process.argv.slice(2);
if (!nav) throw new Error('usage: npx tsx bench/tune-prior.ts eval-data/hf-nav [other BEIR dirs…]');

const settings: Array<[string, PriorOptions | null]> = [['off', null]];
for (const weight of [0.1, 0.2, 0.3, 0.5]) {
  for (const halfLifeDays of [180, 365, 730]) settings.push([`w ${weight} half-life ${halfLifeDays} d`, { ...DEFAULT_PRIOR, weight, halfLifeDays }]);
}
for (const upTo of [1, 2, 3]) settings.push([`default, up to ${upTo} words`, { ...DEFAULT_PRIOR, upTo }]);

const mrr = async (dir: string, split: string, prior: PriorOptions | null) => (await runEval({ dir, split, modes: ['keyword'], prior }))[0]!['mrr@10'].toFixed(4);
for (const [label, prior] of settings) {
  const cells = [await mrr(nav, 'dev', prior), await mrr(nav, 'dev-any', prior)];
  for (const d of others) cells.push(await mrr(d, onlySplit(d) ?? 'dev', prior));
  console.log(`${label.padEnd(30)} ${cells.join('  ')}`);
}
