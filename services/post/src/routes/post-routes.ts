// Posts: create (with Idempotency-Key), read, edit and delete (author only), and a user's timeline.

import { IdParams } from '@scalegram/contracts/ids';
import { DEFAULT_PAGE_LIMIT, Page, PageQuery } from '@scalegram/contracts/pagination';
import { CreatePostRequest, UpdatePostRequest } from '@scalegram/contracts/posts';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import type { FastifyReply } from 'fastify';
import { normalizeText } from '../domain/post-text.ts';
import { requestFingerprint } from '../domain/request-fingerprint.ts';
import type { PostContext } from '../post-context.ts';
import {
  claimIdempotencyKey,
  type IdempotencyClaim,
  releaseIdempotencyKey,
  type StoredResponse,
} from '../store/idempotency-store.ts';
import { createPost, deletePost, postLocation, updatePostText } from '../store/post-commands.ts';
import { getPost, listAuthorPosts } from '../store/post-queries.ts';
import {
  AUTHENTICATED_ERRORS,
  BODY_ERRORS,
  IdempotencyHeaders,
  NoContent,
  PostRef,
  ProblemRef,
} from './route-schemas.ts';
import { assertStorableIds } from './storable-id.ts';

function replay(reply: FastifyReply, response: StoredResponse) {
  if (response.location !== null) reply.header('location', response.location);
  return reply.code(response.status).header('idempotent-replayed', 'true').send(response.body);
}

export async function postRoutes(app: App, { context }: { context: PostContext }): Promise<void> {
  // Before validation: an anonymous caller gets 401, whatever it sent.
  app.addHook('preValidation', app.authenticate);

  app.post(
    '/posts',
    {
      schema: {
        summary: 'Create a post (honours Idempotency-Key)',
        operationId: 'createPost',
        description:
          'Text of at most 255 characters (mentions such as `@user_1` notify that user) and up to 6 media items of yours that are ready. With an `Idempotency-Key`, a retry of the same request answers the first result (with `Idempotent-Replayed: true`), and the same key with a different body is refused (422). Answers the post with `Location`.',
        security: BEARER_AUTH,
        tags: ['posts'],
        headers: IdempotencyHeaders,
        body: CreatePostRequest,
        response: {
          201: PostRef,
          ...AUTHENTICATED_ERRORS,
          ...BODY_ERRORS,
          409: ProblemRef,
          422: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const authorId = requireUserId(request);
      const mediaIds = request.body.mediaIds ?? [];
      assertStorableIds({ '/body/mediaIds': mediaIds });
      const text = normalizeText(request.body.text);

      let claim: IdempotencyClaim | undefined;
      const rawKey = request.headers['idempotency-key'];
      if (rawKey !== undefined) {
        const key = rawKey.replace(/^"(.*)"$/, '$1');
        const database = context.router.databaseForUser(authorId);
        // The fingerprint is of what the client sent (not the normalised text), per the draft.
        const claimed = await claimIdempotencyKey(database, authorId, key, requestFingerprint(request.body));
        if (claimed.kind === 'replay') return replay(reply, claimed.response);
        claim = claimed.claim;
      }
      try {
        // Checked before anything is written: an unusable media id or a media outage writes nothing.
        await context.media.assertUsable(authorId, mediaIds, request.headers.authorization ?? '');
        const post = await createPost(context, { authorId, text, mediaIds }, claim);
        return reply.code(201).header('location', postLocation(post.id)).send(post);
      } catch (error) {
        // A failed attempt releases its key, so the same key may be retried (the draft's advice).
        if (claim !== undefined) await releaseIdempotencyKey(claim);
        throw error;
      }
    },
  );

  app.get(
    '/posts/:id',
    {
      schema: {
        summary: 'A post',
        operationId: 'getPost',
        description: 'A post by id (a 64-bit id as a decimal string) with its like and comment counts.',
        security: BEARER_AUTH,
        tags: ['posts'],
        params: IdParams,
        response: { 200: PostRef, ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => {
      requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      return getPost(context, request.params.id);
    },
  );

  app.patch(
    '/posts/:id',
    {
      schema: {
        summary: 'Edit the text of a post (author only)',
        operationId: 'updatePost',
        description: 'Replaces the text; media cannot be changed. Only the author may edit (403 for anyone else).',
        security: BEARER_AUTH,
        tags: ['posts'],
        params: IdParams,
        body: UpdatePostRequest,
        response: { 200: PostRef, ...AUTHENTICATED_ERRORS, ...BODY_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      const text = normalizeText(request.body.text);
      return updatePostText(context, request.params.id, userId, text);
    },
  );

  app.delete(
    '/posts/:id',
    {
      schema: {
        summary: 'Delete a post with its likes and comments (author only)',
        operationId: 'deletePost',
        description:
          "Only the author may delete (403 for anyone else). Followers' feeds and the search index drop the post shortly after.",
        security: BEARER_AUTH,
        tags: ['posts'],
        params: IdParams,
        response: { 204: NoContent, ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      await deletePost(context, request.params.id, userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/users/:id/posts',
    {
      schema: {
        summary: "A user's posts, newest first (one shard, one query per page)",
        operationId: 'listUserPosts',
        description:
          'Cursor pagination: pass the `nextCursor` of a page as `cursor` to get the next one; `nextCursor` is null on the last page.',
        security: BEARER_AUTH,
        tags: ['posts'],
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(PostRef), ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => {
      requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      const { cursor, limit = DEFAULT_PAGE_LIMIT } = request.query;
      return listAuthorPosts(context, request.params.id, { cursor, limit });
    },
  );
}
