// The contract suite against a real Qdrant server at QDRANT_URL (e.g. http://127.0.0.1:6333).
// jest.config.js leaves this file out when QDRANT_URL is not set.
import { createQdrantIndex } from '../src/qdrant-index.ts';
import { describeVectorContract } from './contract/vector-contract.ts';

const url = process.env.QDRANT_URL ?? 'http://127.0.0.1:6333';
const apiKey = process.env.QDRANT_API_KEY;

describeVectorContract('qdrant', {
  open: async () => createQdrantIndex({ url, ...(apiKey === undefined ? {} : { apiKey }) }),
});
