import { jestConfig } from '@scalegram/jest-config';

export default jestConfig();
