// Search throughput in one run, with a same-run ceiling: 16 concurrent in-process clients (app.inject,
// no network) against the whole search app — Ed25519 token verification, query validation, embedding the
// query, the index scan, serialization — on the embedded index at 1,000 and 10,000 indexed posts.
// Ceiling: GET /healthz on the same app in the same run (the kit's fixed cost per request); the ratio says
// what share of that the search route keeps. Also the consumer's write path (tombstone check, version
// check, upsert, tombstone re-check) against a bare upsert of the same posts.
// Usage: pnpm --filter @scalegram/search-service bench   (about 40 s)
import { availableParallelism, cpus } from 'node:os';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { type ClosedLoopResult, meanResult, measureClosedLoop } from '@scalegram/test-support/closed-loop';
import { startTokenIssuer, TEST_ISSUER } from '@scalegram/test-support/token-issuer';
import { createEmbeddedIndex } from '@scalegram/vector/embedded-index';
import { createHashingEmbedder } from '@scalegram/vector/hashing-embedder';
import { buildSearchApp } from '../src/app.ts';
import { USER_AUDIENCE } from '../src/config.ts';
import type { SearchContext } from '../src/search-context.ts';
import { indexNames } from '../src/store/index-names.ts';
import { indexPosts } from '../src/store/index-writes.ts';
import { openPostIndex, postCollectionOptions } from '../src/store/open-post-index.ts';
import { TOPIC_POSTS } from '../test/fixtures/topic-corpus.ts';

const DURATION_MS = 2_000;
const ROUNDS = 2;
const CONCURRENCY = 16;
const LOOP = { durationMs: DURATION_MS, concurrency: CONCURRENCY };
const SIZES = [1_000, 10_000];
const WRITE_BATCH = 2_000;

// Deterministic synthetic posts: a sentence of 6–14 words drawn from the topic corpus' vocabulary.
const VOCABULARY = [
  ...new Set(
    Object.values(TOPIC_POSTS)
      .flat()
      .join(' ')
      .toLowerCase()
      .match(/\p{L}+/gu),
  ),
];
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const sentence = () =>
  Array.from({ length: 6 + Math.floor(random() * 9) }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]).join(
    ' ',
  );
const QUERIES = Array.from({ length: 64 }, () => encodeURIComponent(sentence().split(' ').slice(0, 4).join(' ')));
const postId = (n: number) => ((1n << 61n) + BigInt(n)).toString();

const issuer = await startTokenIssuer();
const authorization = `Bearer ${await issuer.userToken('42')}`;
const rows: string[] = [];

for (const size of SIZES) {
  const embedder = createHashingEmbedder();
  const context: SearchContext = {
    index: await createEmbeddedIndex(),
    embedder,
    names: indexNames('posts'),
    minScore: 0.1,
  };
  await openPostIndex(context.index, embedder, context.names);
  for (let start = 0; start < size; start += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, size - start) }, (_, i) => ({
      postId: postId(start + i),
      authorId: String((start + i) % 100),
      text: sentence(),
      createdAtMs: Date.UTC(2026, 0, 1) + (start + i) * 60_000,
      version: 1,
    }));
    await indexPosts(context, batch);
  }
  const app: App = buildSearchApp({
    context,
    userVerifier: createAccessTokenVerifier({ jwks: issuer.jwksUrl, issuer: TEST_ISSUER, audience: USER_AUDIENCE }),
    logLevel: 'silent',
  });
  await app.ready();
  const get = (url: string) => async () => {
    const response = await app.inject({ method: 'GET', url, headers: { authorization } });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
  };
  const cases: [string, (i: number) => Promise<void>][] = [
    ['GET /healthz (ceiling)', get('/healthz')],
    ['GET /search/posts?q (limit 20)', (i) => get(`/api/v1/search/posts?q=${QUERIES[i % QUERIES.length]}`)()],
    [
      'GET /search/posts?q&authorId (1 % of posts)',
      (i) => get(`/api/v1/search/posts?q=${QUERIES[i % QUERIES.length]}&authorId=${i % 100}`)(),
    ],
    ['GET /posts/:id/similar (limit 10)', (i) => get(`/api/v1/posts/${postId((i * 7919) % size)}/similar`)()],
  ];
  const results = new Map<string, ClosedLoopResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, operation] of cases) {
      const list = results.get(name) ?? [];
      list.push(await measureClosedLoop(LOOP, operation));
      results.set(name, list);
    }
  }
  const ceiling = meanResult(results.get(cases[0]![0])!).opsPerSecond;
  for (const [name] of cases) {
    const r = meanResult(results.get(name)!);
    rows.push(
      `| ${size.toLocaleString('en')} | ${name} | ${Math.round(r.opsPerSecond).toLocaleString('en')} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.opsPerSecond / ceiling).toFixed(3)} |`,
    );
  }
  await app.close();
  await context.index.close();
}

// The write path: the consumer's rules against a bare upsert of the same embedded posts, batches of one
// (as events arrive), WRITE_BATCH posts each, into a fresh index.
const embedder = createHashingEmbedder();
const texts = Array.from({ length: WRITE_BATCH }, () => sentence());
const vectors = await embedder.embed(texts);
const writeRows: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const context: SearchContext = {
    index: await createEmbeddedIndex(),
    embedder,
    names: indexNames('posts'),
    minScore: 0.1,
  };
  await openPostIndex(context.index, embedder, context.names);
  await context.index.ensureCollection('bare', postCollectionOptions(embedder));
  let t0 = performance.now();
  for (let i = 0; i < WRITE_BATCH; i++) {
    await context.index.upsert('bare', [
      { id: postId(i), vector: vectors[i]!, payload: { authorId: '1', createdAt: 0, version: 1 } },
    ]);
  }
  const bare = WRITE_BATCH / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < WRITE_BATCH; i++) {
    await indexPosts(context, [{ postId: postId(i), authorId: '1', text: texts[i]!, createdAtMs: 0, version: 1 }]);
  }
  const checked = WRITE_BATCH / ((performance.now() - t0) / 1000);
  writeRows.push(
    `| ${round + 1} | ${Math.round(bare).toLocaleString('en')} | ${Math.round(checked).toLocaleString('en')} | ${(checked / bare).toFixed(3)} |`,
  );
  await context.index.close();
}
await issuer.close();

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Machine: ${availableParallelism()} cores (${cpu}), Node ${process.version}, ${new Date().toISOString()}`);
console.log(
  `${CONCURRENCY} concurrent in-process clients, ${ROUNDS} rounds × ${DURATION_MS / 1000} s per case, embedded index, hashing embedder (384 dims)\n`,
);
console.log('| indexed posts | request | req/s | p50 ms | p99 ms | ratio to /healthz |');
console.log('|---:|---|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
console.log(
  `\nWrite path, ${WRITE_BATCH} posts one at a time (embedding excluded from the bare upsert, included in indexPosts):\n`,
);
console.log('| round | bare upsert (posts/s) | indexPosts with checks (posts/s) | ratio |');
console.log('|---:|---:|---:|---:|');
for (const row of writeRows) console.log(row);
