/// <reference path="./s3rver.d.ts" />
// A private S3-compatible server (s3rver, in this process, over real HTTP) on a free port with a
// temporary directory of its own, for the suites of the S3 file store and its users. It can be stopped
// and started again on the same port with the same objects, as an outage.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's built-in account: it rejects other access keys, but never checks SigV4 signatures. */
export const S3RVER_CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' };

export interface PrivateS3 {
  /** host:port, as the S3 store's `endpoint` takes it. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (if running) and deletes its directory. */
  destroy(): Promise<void>;
}

export async function startPrivateS3(): Promise<PrivateS3> {
  const directory = await mkdtemp(join(tmpdir(), 'sg-private-s3-'));
  let server: S3rver | undefined = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const { port } = await server.run();
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    stop,
    async start() {
      await stop();
      server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });
      await server.run();
    },
    async destroy() {
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
