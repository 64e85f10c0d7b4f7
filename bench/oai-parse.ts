/**
 * How fast one OAI-PMH ListRecords page parses: a 1,000-record page (arXiv's real page size)
 * built from the test fixtures' records. Prints records/s. Run: npx tsx bench/oai-parse.ts
 */
import fs from 'node:fs';
import { parseOaiPage } from '../src/ingest/arxiv-oai-parse.ts';

const page1 = fs.readFileSync(new URL('../test/fixtures/arxiv-oai/list-records-page1.xml', import.meta.url), 'utf8');
const records = page1.match(/<record>[\s\S]*?<\/record>/g) ?? [];
const body = Array.from({ length: 1000 }, (_, i) => records[i % records.length]!.replace(/2503\.(\d{5})/g, (_m, n: string) => `2503.${String((Number(n) + i) % 100000).padStart(5, '0')}`));
const xml = page1.replace(/<ListRecords>[\s\S]*?(<resumptionToken)/, `<ListRecords>\n${body.join('\n')}\n$1`);

const rounds = 20;
parseOaiPage(xml); // warm-up
const t0 = performance.now();
let n = 0;
for (let i = 0; i < rounds; i++) n += parseOaiPage(xml).records.filter((r) => r.paper).length;
const s = (performance.now() - t0) / 1000;
console.log(`oai-parse: ${rounds} pages of 1,000 records (${(xml.length / 1e6).toFixed(2)} MB each): ${(s / rounds * 1000).toFixed(0)} ms/page, ${Math.round(n / s).toLocaleString('en-US')} records/s`);
