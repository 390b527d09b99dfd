// The presigner is checked three ways, because s3rver (the only S3 server in the test suite) does not
// verify SigV4 signatures at all: AWS's own documented example, minio-js's presigner (host-only URLs),
// and the `aws4` package (an independent implementation that does sign content-type/content-length).
import { describe, expect, it } from '@jest/globals';
import aws4 from 'aws4';
import { presignSignatureV4 } from 'minio/dist/esm/signing.mjs';
import { encodeRfc3986, presignV4 } from '../src/sigv4-presign.ts';

const AWS_EXAMPLE = {
  accessKey: 'AKIAIOSFODNN7EXAMPLE',
  secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  date: new Date('2013-05-24T00:00:00Z'),
};

describe('presignV4', () => {
  it('reproduces the presigned GET example of the S3 API reference', () => {
    const url = presignV4({
      ...AWS_EXAMPLE,
      method: 'GET',
      origin: 'https://examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      expiresInSeconds: 86400,
    });
    const parsed = new URL(url);
    expect(parsed.searchParams.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request');
    expect(parsed.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(parsed.searchParams.get('X-Amz-Signature')).toBe(
      'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('produces the same URL as minio-js for a host-only signature', () => {
    const date = new Date('2026-01-02T03:04:05Z');
    const ours = presignV4({
      ...AWS_EXAMPLE,
      date,
      method: 'GET',
      origin: 'http://127.0.0.1:9000',
      path: '/media/a/b-1.jpg',
      expiresInSeconds: 600,
    });
    const theirs = presignSignatureV4(
      { method: 'GET', protocol: 'http:', path: '/media/a/b-1.jpg', headers: { host: '127.0.0.1:9000' } },
      AWS_EXAMPLE.accessKey,
      AWS_EXAMPLE.secretKey,
      undefined,
      AWS_EXAMPLE.region,
      date,
      600,
    );
    expect(ours).toBe(theirs);
  });

  it('signs content-type and content-length exactly as the aws4 package does', () => {
    const date = new Date('2026-01-02T03:04:05Z');
    const headers = { 'content-type': 'image/jpeg', 'content-length': '12345' };
    const ours = new URL(
      presignV4({
        ...AWS_EXAMPLE,
        date,
        method: 'PUT',
        origin: 'http://localhost:9000',
        path: '/media/originals/x.jpg',
        headers,
        expiresInSeconds: 900,
      }),
    );
    const signed = aws4.sign(
      {
        host: 'localhost:9000',
        path: '/media/originals/x.jpg?X-Amz-Expires=900&X-Amz-Date=20260102T030405Z',
        method: 'PUT',
        service: 's3',
        region: AWS_EXAMPLE.region,
        signQuery: true,
        headers: { ...headers },
      },
      { accessKeyId: AWS_EXAMPLE.accessKey, secretAccessKey: AWS_EXAMPLE.secretKey },
    );
    const theirs = new URL(`http://localhost:9000${signed.path}`);
    expect(ours.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(theirs.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(ours.searchParams.get('X-Amz-Signature')).toBe(theirs.searchParams.get('X-Amz-Signature'));
  });

  it('signs extra query parameters and changes the signature when any signed input changes', () => {
    const base = {
      ...AWS_EXAMPLE,
      method: 'PUT' as const,
      origin: 'http://localhost:9000',
      path: '/b/k',
      headers: { 'content-type': 'image/png', 'content-length': '10' },
      expiresInSeconds: 60,
    };
    const signature = (url: string) => new URL(url).searchParams.get('X-Amz-Signature');
    const reference = signature(presignV4(base));
    expect(signature(presignV4({ ...base, headers: { ...base.headers, 'content-length': '11' } }))).not.toBe(reference);
    expect(signature(presignV4({ ...base, headers: { ...base.headers, 'content-type': 'image/gif' } }))).not.toBe(
      reference,
    );
    expect(signature(presignV4({ ...base, path: '/b/k2' }))).not.toBe(reference);
    expect(signature(presignV4({ ...base, query: { 'response-content-type': 'text/plain' } }))).not.toBe(reference);
  });

  it('encodes with RFC 3986 rules', () => {
    expect(encodeRfc3986("a b/c!'()*~._-")).toBe('a%20b%2Fc%21%27%28%29%2A~._-');
  });
});
