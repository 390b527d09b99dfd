// The fixtures the fuzz suite aims at, made through the public API like any client: a caller, and a
// second user with a post that carries a comment and a pending upload (the caller's requests may
// change the caller's own things, never these); plus a service token from auth's
// client-credentials grant for the /internal operations. `snapshot` reads everything a request of the
// caller could change, through the gateway.
import { basicCredentials } from '@scalegram/kit/service-token-source';
import { JourneyClient, type Session } from '../journey-client.ts';
import { uniqueName } from '../journeys.ts';

const PASSWORD = 'fuzz: correct horse battery staple';

export interface FuzzWorld {
  caller: Session;
  other: Session;
  postId: string;
  commentId: string;
  mediaId: string;
  serviceToken: string;
  snapshot(): Promise<string>;
}

async function created(client: JourneyClient, path: string, token: string, body: unknown): Promise<string> {
  const reply = await client.call('POST', path, { token, body });
  if (reply.status !== 201) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id as string;
}

// A freshly started system on a loaded machine may time a first registration out (argon2 is slow):
// setting up the fixtures is not what this suite tests, so it tries again, under a new name.
async function register(client: JourneyClient, prefix: string): Promise<Session> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.register(uniqueName(prefix), PASSWORD);
    } catch (error) {
      if (attempt === 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

async function grant(authUrl: string, clientId: string, secret: string): Promise<string> {
  const response = await fetch(`${authUrl}/internal/service-tokens`, {
    method: 'POST',
    headers: {
      authorization: basicCredentials(clientId, secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=posts%3Aread',
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`service token: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function createFuzzWorld(
  gatewayUrl: string,
  auth: { url: string; clientId: string; secret: string },
): Promise<FuzzWorld> {
  const client = new JourneyClient(gatewayUrl);
  const caller = await register(client, 'fuzz_a');
  const other = await register(client, 'fuzz_b');
  const postId = await created(client, '/api/v1/posts', other.accessToken, { text: 'a post the fuzzer aims at' });
  const commentId = await created(client, `/api/v1/posts/${postId}/comments`, other.accessToken, { text: 'first' });
  const mediaId = await created(client, '/api/v1/media', other.accessToken, { contentType: 'image/png', size: 1_000 });
  const serviceToken = await grant(auth.url, auth.clientId, auth.secret);
  const reads: [string, string][] = [
    ['/api/v1/users/me', caller.accessToken],
    ['/api/v1/users/me', other.accessToken],
    [`/api/v1/users/${caller.userId}/posts?limit=50`, caller.accessToken],
    [`/api/v1/users/${other.userId}/posts?limit=50`, caller.accessToken],
    [`/api/v1/users/${caller.userId}/following?limit=50`, caller.accessToken],
    [`/api/v1/users/${other.userId}/followers?limit=50`, caller.accessToken],
    [`/api/v1/posts/${postId}`, caller.accessToken],
    [`/api/v1/posts/${postId}/comments?limit=50`, caller.accessToken],
    [`/api/v1/media/${mediaId}`, other.accessToken],
    ['/api/v1/notifications?limit=50', other.accessToken],
    ['/api/v1/notifications?limit=50', caller.accessToken],
  ];
  const once = async () => {
    const parts: string[] = [];
    for (const [path, token] of reads) {
      const response = await fetch(new URL(path, gatewayUrl), { headers: { authorization: `Bearer ${token}` } });
      const reply = { status: response.status, body: await response.text() };
      // Signed URLs carry their expiry: the same state reads differently a second later.
      // and an error names its request.
      const body = reply.body.replace(/(https?:\/\/[^"?]+)\?[^"]*/g, '$1').replace(/"requestId":"[^"]*"/g, '');
      parts.push(`${path} ${reply.status} ${body}`);
    }
    return parts.join('\n');
  };
  // Events of earlier writes may still be on their way (notifications): a snapshot is one that holds.
  let last = '';
  const snapshot = async () => {
    let next = await once();
    for (let attempt = 0; attempt < 10 && next !== last; attempt++) {
      last = next;
      await new Promise((resolve) => setTimeout(resolve, 200));
      next = await once();
    }
    last = next;
    return next;
  };
  return { caller, other, postId, commentId, mediaId, serviceToken, snapshot };
}
