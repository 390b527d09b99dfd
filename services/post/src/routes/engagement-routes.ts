// Likes and comments. Likes act for the caller only and are idempotent (204 either way); comments are
// listed newest first with a cursor, and only a comment's author may delete it.

import { IdParams } from '@scalegram/contracts/ids';
import { DEFAULT_PAGE_LIMIT, Page, PageQuery } from '@scalegram/contracts/pagination';
import { CreateCommentRequest } from '@scalegram/contracts/posts';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import { normalizeText } from '../domain/post-text.ts';
import type { PostContext } from '../post-context.ts';
import { addComment, deleteComment, listComments } from '../store/comment-store.ts';
import { likePost, unlikePost } from '../store/like-commands.ts';
import {
  AUTHENTICATED_ERRORS,
  BODY_ERRORS,
  CommentParams,
  CommentRef,
  NoContent,
  ProblemRef,
} from './route-schemas.ts';
import { assertStorableIds } from './storable-id.ts';

export async function engagementRoutes(app: App, { context }: { context: PostContext }): Promise<void> {
  app.addHook('preValidation', app.authenticate);

  const likeSchema = { params: IdParams, response: { 204: NoContent, ...AUTHENTICATED_ERRORS, 404: ProblemRef } };

  app.put(
    '/posts/:id/like',
    {
      schema: {
        summary: 'Like a post (idempotent)',
        operationId: 'likePost',
        description: "204 whether or not you already liked it; the post's author is notified.",
        security: BEARER_AUTH,
        tags: ['likes'],
        ...likeSchema,
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      await likePost(context, request.params.id, userId);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/posts/:id/like',
    {
      schema: {
        summary: 'Remove a like (idempotent)',
        operationId: 'unlikePost',
        description: '204 whether or not you had liked it.',
        security: BEARER_AUTH,
        tags: ['likes'],
        ...likeSchema,
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      await unlikePost(context, request.params.id, userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/posts/:id/comments',
    {
      schema: {
        summary: 'Comments on a post, newest first',
        operationId: 'listComments',
        description:
          'Cursor pagination: pass the `nextCursor` of a page as `cursor` to get the next one; `nextCursor` is null on the last page.',
        security: BEARER_AUTH,
        tags: ['comments'],
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(CommentRef), ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => {
      requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      const { cursor, limit = DEFAULT_PAGE_LIMIT } = request.query;
      return listComments(context, request.params.id, { cursor, limit });
    },
  );

  app.post(
    '/posts/:id/comments',
    {
      schema: {
        summary: 'Comment on a post',
        operationId: 'createComment',
        description: "Text rules as for posts; the post's author is notified, and so is every user it mentions.",
        security: BEARER_AUTH,
        tags: ['comments'],
        params: IdParams,
        body: CreateCommentRequest,
        response: { 201: CommentRef, ...AUTHENTICATED_ERRORS, ...BODY_ERRORS, 404: ProblemRef },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      const text = normalizeText(request.body.text);
      const comment = await addComment(context, request.params.id, userId, text);
      return reply.code(201).header('location', `/api/v1/posts/${comment.postId}/comments/${comment.id}`).send(comment);
    },
  );

  app.delete(
    '/posts/:id/comments/:commentId',
    {
      schema: {
        summary: 'Delete a comment (its author only)',
        operationId: 'deleteComment',
        description: "Only the comment's author may delete it (403 for anyone else).",
        security: BEARER_AUTH,
        tags: ['comments'],
        params: CommentParams,
        response: { 204: NoContent, ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id, '/params/commentId': request.params.commentId });
      await deleteComment(context, request.params.id, request.params.commentId, userId);
      return reply.code(204).send(null);
    },
  );
}
