import { jestConfig } from '@scalegram/jest-config';

// The Qdrant contract run needs a Qdrant server; without QDRANT_URL it is left out (the embedded run and
// every other test still run). Set QDRANT_URL=http://127.0.0.1:6333 to include it.
const withoutQdrant = process.env.QDRANT_URL ? [] : ['<rootDir>/test/qdrant-index\\.test\\.ts$'];

export default jestConfig({ testPathIgnorePatterns: ['/node_modules/', ...withoutQdrant] });
