// The public API paths the seeder and the social scenarios use, in one place (all through the gateway).
// Ids are decimal strings (64-bit); they are URL-safe as they are.

export const API = {
  register: '/api/v1/auth/register',
  login: '/api/v1/auth/login',
  refresh: '/api/v1/auth/refresh',
  follow: (userId: string) => `/api/v1/users/${userId}/follow`,
  userPosts: (userId: string, limit = 20) => `/api/v1/users/${userId}/posts?limit=${limit}`,
  homeTimeline: (limit = 20) => `/api/v1/feed?limit=${limit}`,
  posts: '/api/v1/posts',
  like: (postId: string) => `/api/v1/posts/${postId}/like`,
  comments: (postId: string) => `/api/v1/posts/${postId}/comments`,
  media: '/api/v1/media',
  mediaItem: (mediaId: string) => `/api/v1/media/${mediaId}`,
  completeMedia: (mediaId: string) => `/api/v1/media/${mediaId}/complete`,
} as const;

/** The Authorization header of a user's access token. */
export const bearer = (accessToken: string): Record<string, string> => ({ authorization: `Bearer ${accessToken}` });

export const JSON_HEADERS: Record<string, string> = { 'content-type': 'application/json' };
