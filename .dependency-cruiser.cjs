// Import boundaries (part of `npm test`: `npm run check:imports`). The architecture in one place:
// web → services → store/search; the search core is fed through a small interface and knows nothing
// of the catalog or the web; nothing imports in a circle. Type-only imports count too.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'web-not-store',
      comment: 'Routes and views never see the store or SQL: they call services (src/catalog/catalog.service.ts, src/ops/…).',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: ['^src/store/', '\\.repo\\.ts$', '^node_modules/(kysely|pg|better-sqlite3)/'] },
    },
    {
      name: 'search-not-catalog-or-web',
      comment: 'The search core is fed through its ChangeFeed interface; it imports no catalog or web code.',
      severity: 'error',
      from: { path: '^src/search/' },
      to: { path: '^src/(catalog|web)/' },
    },
    {
      name: 'search-through-its-public-module',
      comment: 'Outside src/search, search is imported only through src/search/index.ts.',
      severity: 'error',
      from: { path: '^(src|bench)/', pathNot: '^src/search/' },
      to: { path: '^src/search/', pathNot: '^src/search/index\\.ts$' },
    },
    {
      name: 'ingest-not-cli-or-app',
      comment: 'Ingest sources get the store and configuration they need, never the CLI or the whole App.',
      severity: 'error',
      from: { path: '^src/ingest/' },
      to: { path: ['^src/cli/', '^src/app\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only ones included: they hide which module depends on which.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
    exclude: { path: ['^native/', '^demo/', '^bench/lab/'] },
  },
};
