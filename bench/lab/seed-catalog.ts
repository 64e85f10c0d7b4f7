/**
 * Seed a catalog the way `bench:http` does, without starting servers: `npx tsx bench/lab/seed-catalog.ts sqlite:/tmp/x/bench.db`
 * (then pass `--database` to bench:http).
 */
import { seedCatalog } from '../seed-data.ts';
import { migrate, openStore } from '../../src/store/db.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: seed-catalog.ts DATABASE_URL');
const store = openStore(url);
await migrate(store);
await seedCatalog(store);
await store.close();
console.error(`--database ${url}`);
