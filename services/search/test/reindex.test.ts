// The re-index against the real post service (embedded, on a shared in-process bus — the all-in-one
// runner's arrangement): posts created through the post service's API reach the index through its outbox
// and the search consumer; the rebuild reads them back page by page with a service token and switches
// the alias, while searches keep being served and events keep arriving.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotFoundError } from '@scalegram/contracts/errors';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { createServiceClient, type ServiceClient } from '@scalegram/kit/service-client';
import { createServiceTokenSource, type ServiceTokenSource } from '@scalegram/kit/service-token-source';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { createEmbeddedIndex } from '@scalegram/vector/embedded-index';
import { createHashingEmbedder } from '@scalegram/vector/hashing-embedder';
import { buildSearchApp } from '../src/app.ts';
import { loadSearchConfig, USER_AUDIENCE } from '../src/config.ts';
import { startPostIndexConsumer } from '../src/events/post-index-consumer.ts';
import { createPostSource, type PostSource } from '../src/reindex/post-source.ts';
import { rebuildIndex } from '../src/reindex/rebuild-index.ts';
import type { SearchContext } from '../src/search-context.ts';
import { startSearchService } from '../src/service.ts';
import { indexNames } from '../src/store/index-names.ts';
import { openPostIndex } from '../src/store/open-post-index.ts';
import { TOPIC_POSTS } from './fixtures/topic-corpus.ts';
import { eventually } from './support/post-events.ts';
import { type PostService, startTestPostService } from './support/post-service.ts';

/** The search service's client of auth's client-credentials grant. */
const TEST_CLIENT = { id: 'search', secret: 'test-secret-of-search' };

const AUTHOR = '5001';
let issuer: TokenIssuer;
let bus: MessageBus;
let posts: PostService;
let context: SearchContext;
let app: App;
let consumer: Consumer;
let postClient: ServiceClient;
let tokens: ServiceTokenSource;
let token: string;
const ids: string[] = [];
const texts: string[] = [
  ...TOPIC_POSTS.astronomy.slice(0, 4),
  ...TOPIC_POSTS.gardening.slice(0, 4),
  ...TOPIC_POSTS.football.slice(0, 2),
];

async function search(q: string): Promise<string[]> {
  const response = await app.inject({
    method: 'GET',
    url: `/api/v1/search/posts?q=${encodeURIComponent(q)}&limit=50`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ items: { postId: string }[] }>().items.map((hit) => hit.postId);
}

const found = async (q: string, postId: string) => expect(await search(q)).toContain(postId);
const gone = async (q: string, postId: string) => expect(await search(q)).not.toContain(postId);

/** A post source that stops before the given page until released, to act while a rebuild is under way. */
function pausingSource(inner: PostSource, pauseBeforePage: number) {
  let calls = 0;
  let release!: () => void;
  let paused!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const reached = new Promise<void>((resolve) => {
    paused = resolve;
  });
  const source: PostSource = {
    async page(after, limit) {
      calls += 1;
      if (calls === pauseBeforePage) {
        paused();
        await released;
      }
      return inner.page(after, limit);
    },
  };
  return { source, reached, release };
}

beforeAll(async () => {
  issuer = await startTokenIssuer({ clients: [TEST_CLIENT] });
  token = await issuer.userToken(AUTHOR);
  bus = await createInProcessBus();
  posts = await startTestPostService(issuer, bus);
  const embedder = createHashingEmbedder();
  context = {
    index: await createEmbeddedIndex(),
    embedder,
    names: indexNames(`reindex_${randomBytes(4).toString('hex')}`),
    minScore: 0.1,
  };
  await openPostIndex(context.index, embedder, context.names);
  const userVerifier = createAccessTokenVerifier({
    jwks: issuer.jwksUrl,
    issuer: TEST_ISSUER,
    audience: USER_AUDIENCE,
  });
  app = buildSearchApp({ context, userVerifier, logLevel: 'silent' });
  consumer = await startPostIndexConsumer({ context, bus });
  postClient = createServiceClient({ name: 'post', baseUrl: posts.url, timeoutMs: 5_000 });
  tokens = createServiceTokenSource({
    authUrl: issuer.authUrl,
    clientId: TEST_CLIENT.id,
    clientSecret: TEST_CLIENT.secret,
    scope: 'posts:read',
  });

  for (const text of texts) ids.push(await posts.create(AUTHOR, text));
  await eventually(async () => expect(await context.index.count(context.names.live)).toBe(texts.length));
});

afterAll(async () => {
  await consumer?.stop();
  await app?.close();
  await tokens?.close();
  await postClient?.close();
  await posts?.close();
  await bus?.close();
  await context?.index.close();
  await issuer?.close();
});

describe('re-index from the post service', () => {
  it('rebuilds beside the live index: searches keep working, events during the rebuild are kept, deleted posts stay gone', async () => {
    const before = await context.index.resolveAlias(context.names.live);
    // A damaged index: two posts lost (e.g. a volume restored from an old backup).
    await context.index.delete(context.names.live, [ids[0]!, ids[4]!]);
    await gone(texts[0]!, ids[0]!);

    const { source, reached, release } = pausingSource(createPostSource(postClient, tokens), 2);
    const rebuilding = rebuildIndex(context, source, { pageSize: 4 });
    await reached; // the first page (4 posts) is in the new collection; the rest is not read yet

    const next = await context.index.resolveAlias(context.names.next);
    expect(next).toBeDefined();
    expect(next).not.toBe(before);
    expect(await context.index.resolveAlias(context.names.live)).toBe(before);
    await found(texts[2]!, ids[2]!); // still served, from the old collection

    // A post created and one deleted while the rebuild runs: the consumer writes to both collections.
    const fresh = await posts.create(AUTHOR, 'Comet visible at dawn through binoculars #astronomy');
    const doomed = ids[9]!; // the highest id: on the last page, not read yet
    await posts.remove(AUTHOR, doomed);
    await eventually(async () => {
      await found('comet binoculars', fresh);
      await gone(texts[9]!, doomed);
    });
    expect(await context.index.get(next!, [fresh])).toHaveLength(1);

    release();
    const result = await rebuilding;
    expect(result).toMatchObject({ collection: next, previous: before, pages: 3, posts: 10 });
    expect(await context.index.resolveAlias(context.names.live)).toBe(next);
    expect(await context.index.resolveAlias(context.names.next)).toBeUndefined();
    await expect(context.index.count(before!)).rejects.toBeInstanceOf(NotFoundError);

    await found(texts[0]!, ids[0]!); // restored
    await found(texts[4]!, ids[4]!);
    await found('comet binoculars', fresh);
    await gone(texts[9]!, doomed);
    expect(await context.index.count(context.names.live)).toBe(10);
    expect(issuer.grants()).toBeGreaterThanOrEqual(1);
  });

  it('a re-index that fails midway leaves the live index serving; the next run removes its orphan', async () => {
    const live = await context.index.resolveAlias(context.names.live);
    const inner = createPostSource(postClient, tokens);
    let calls = 0;
    const failing: PostSource = {
      async page(after, limit) {
        calls += 1;
        if (calls === 2) throw new Error('post service went away');
        return inner.page(after, limit);
      },
    };
    await expect(rebuildIndex(context, failing, { pageSize: 4 })).rejects.toThrow('post service went away');
    const orphan = await context.index.resolveAlias(context.names.next);
    expect(orphan).toBeDefined();
    expect(await context.index.resolveAlias(context.names.live)).toBe(live);
    await found(texts[2]!, ids[2]!);

    const result = await rebuildIndex(context, inner, { pageSize: 100 });
    expect(result.posts).toBe(10);
    await expect(context.index.count(orphan!)).rejects.toBeInstanceOf(NotFoundError);
    await expect(context.index.count(live!)).rejects.toBeInstanceOf(NotFoundError);
    await found(texts[2]!, ids[2]!);
  });
});

describe('the re-index command (src/reindex.ts) on the embedded index', () => {
  const run = promisify(execFile);
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'scalegram-search-reindex-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH,
    DATA_DIR: dataDir,
    JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: TEST_ISSUER,
    POST_SERVICE_URL: posts.url,
    AUTH_URL: issuer.authUrl,
    SERVICE_CLIENT_ID: TEST_CLIENT.id,
    SERVICE_CLIENT_SECRET: TEST_CLIENT.secret,
    REINDEX_PAGE_SIZE: '3',
    ...extra,
  });
  const reindex = (extra?: Record<string, string>) =>
    run(process.execPath, ['--conditions=@scalegram/source', 'src/reindex.ts'], { env: env(extra), timeout: 30_000 });

  /** Starts the service on the same directory (after the command has exited: one process per directory). */
  async function searchWith(extra: Record<string, string> = {}): Promise<string[]> {
    const service = await startSearchService(loadSearchConfig({ ...env(extra), LOG_LEVEL: 'silent' }));
    try {
      const response = await service.inject({
        method: 'GET',
        url: `/api/v1/search/posts?q=${encodeURIComponent(texts[1]!)}`,
        headers: { authorization: `Bearer ${token}` },
      });
      return response.json<{ items: { postId: string }[] }>().items.map((hit) => hit.postId);
    } finally {
      await service.close();
    }
  }

  it('fills an empty index from the post service, and the service then finds the posts', async () => {
    const { stdout } = await reindex();
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ msg: 're-index done', posts: 10 });
    expect(lines.filter((line) => line.msg === 're-index page')).toHaveLength(4); // 3 + 3 + 3 + 1
    expect(await searchWith()).toContain(ids[1]);
  });

  it('switching the embedder needs a re-index: the service refuses to mix vectors until it has run', async () => {
    const other = { EMBEDDER_DIMENSION: '512' };
    await expect(searchWith(other)).rejects.toMatchObject({ name: 'EmbedderMismatchError' });
    const { stdout } = await reindex(other);
    expect(stdout).toContain('posts--hashing-v1-512--');
    expect(await searchWith(other)).toContain(ids[1]);
    await expect(searchWith()).rejects.toMatchObject({ name: 'EmbedderMismatchError' });
  });

  it('exits 2 and names what is missing when the configuration is incomplete', async () => {
    const failure = await reindex({ POST_SERVICE_URL: '', SERVICE_CLIENT_SECRET: '' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2 });
    const { stderr } = failure as { stderr: string };
    expect(stderr).toContain('POST_SERVICE_URL is required by the re-index');
    expect(stderr).toContain('SERVICE_CLIENT_SECRET is required by the re-index');
  });
});
