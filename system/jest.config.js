import { existsSync } from 'node:fs';
import { jestConfig } from '@scalegram/jest-config';

// The Swagger UI browser test drives Debian's Chromium (never a downloaded browser). A machine without
// it leaves that test out, loudly, rather than failing; .ci/run installs it when apt-get is there.
const chromium = existsSync('/usr/bin/chromium');
if (!chromium) {
  console.warn(
    '[system] /usr/bin/chromium not found: test/swagger-ui-browser.test.ts is NOT run. Install chromium to run it.',
  );
}

export default jestConfig(
  chromium ? {} : { testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/swagger-ui-browser'] },
);
