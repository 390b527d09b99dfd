// How clients reach a variant: a presigned GET that expires (private bucket, the default), or a
// stable URL under a public/CDN base (a bucket or CDN that serves `variants/` publicly). Stable URLs
// cache well at the edge and in browsers; presigned ones change on every read and do not.
import type { FileStore } from '@scalegram/file-store/port';

export interface MediaUrls {
  variantUrl(key: string): Promise<string>;
}

export interface MediaUrlOptions {
  store: FileStore;
  /** When set, `${publicBaseUrl}/${key}`; otherwise a presigned GET. */
  publicBaseUrl?: string | undefined;
  expiresInSeconds: number;
}

export function createMediaUrls(options: MediaUrlOptions): MediaUrls {
  const base = options.publicBaseUrl?.replace(/\/+$/, '');
  if (base !== undefined) return { variantUrl: async (key) => `${base}/${key}` };
  return {
    variantUrl: async (key) =>
      (await options.store.presignGet(key, { expiresInSeconds: options.expiresInSeconds })).url,
  };
}
