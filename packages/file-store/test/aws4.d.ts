// Minimal typing for `aws4`, used only by tests as an independent SigV4 implementation.
declare module 'aws4' {
  interface Aws4Request {
    host: string;
    path: string;
    method: string;
    service: string;
    region: string;
    signQuery: boolean;
    headers: Record<string, string>;
  }
  const aws4: {
    sign(request: Aws4Request, credentials: { accessKeyId: string; secretAccessKey: string }): Aws4Request;
  };
  export default aws4;
}
