// The re-index as a job: opens the index and the embedder the configuration selects, gets a `posts:read`
// service token from auth, rebuilds from the post service, and releases everything.
import { POSTS_READ_SCOPE } from '@scalegram/contracts/service-tokens';
import { createServiceClient } from '@scalegram/kit/service-client';
import { createServiceTokenSource } from '@scalegram/kit/service-token-source';
import { type ReindexConfig, searchCollection } from '../config.ts';
import type { SearchContext } from '../search-context.ts';
import { indexNames } from '../store/index-names.ts';
import { openEmbedder, openVectorIndex } from '../store/open-adapters.ts';
import { createPostSource } from './post-source.ts';
import { type RebuildProgress, type RebuildResult, rebuildIndex } from './rebuild-index.ts';

export async function runReindex(
  config: ReindexConfig,
  onPage?: (progress: RebuildProgress) => void,
): Promise<RebuildResult> {
  const index = await openVectorIndex(config);
  const { embedder, close: closeEmbedder } = openEmbedder(config);
  const tokens = createServiceTokenSource({
    authUrl: config.AUTH_URL,
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
    scope: POSTS_READ_SCOPE,
  });
  // Reading pages is idempotent: the client retries a 502/503/504 or a dropped connection.
  const posts = createServiceClient({
    name: 'post',
    baseUrl: config.POST_SERVICE_URL,
    timeoutMs: config.POST_TIMEOUT_MS,
    retry: { maxAttempts: 5, baseDelayMs: 200 },
  });
  const context: SearchContext = {
    index,
    embedder,
    names: indexNames(searchCollection(config)),
    minScore: config.SEARCH_MIN_SCORE,
  };
  try {
    return await rebuildIndex(context, createPostSource(posts, tokens), {
      pageSize: config.REINDEX_PAGE_SIZE,
      ...(onPage === undefined ? {} : { onPage }),
    });
  } finally {
    await posts.close();
    await tokens.close();
    await closeEmbedder();
    await index.close();
  }
}
