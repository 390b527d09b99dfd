// Likes and comments. Likes act for the caller only and are idempotent (204 either way); comments are
// listed newest first with a cursor, and only a comment's author may delete it.
import { IdParams } from '@scalegram/contracts/ids';
import { DEFAULT_PAGE_LIMIT, Page, PageQuery } from '@scalegram/contracts/pagination';
import { CreateCommentRequest } from '@scalegram/contracts/posts';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
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
    { schema: { summary: 'Like a post (idempotent)', tags: ['likes'], ...likeSchema } },
    async (request, reply) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/params/id': request.params.id });
      await likePost(context, request.params.id, userId);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/posts/:id/like',
    { schema: { summary: 'Remove a like (idempotent)', tags: ['likes'], ...likeSchema } },
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
