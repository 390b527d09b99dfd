// `npm start` will run the whole system with embedded defaults (PGlite, in-memory KV, in-process
// bus, local file store, embedded vector index). The services arrive with issues #3 to #9 and the
// one-command runner with issue #6; until then this says so plainly instead of pretending.
console.error(
  [
    'Scalegram: `npm start` is not available yet.',
    'Today the repository holds the foundation: the service runtime (packages/kit), the shared contracts,',
    'and the seven building blocks with their production and embedded adapters (packages/*).',
    'The services and the one-command embedded system land with the issues that follow.',
    'What works now: `npm test` (every contract suite against the real servers and the embedded adapters).',
  ].join('\n'),
);
process.exit(1);
