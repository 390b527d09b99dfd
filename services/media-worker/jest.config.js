import { spawnSync } from 'node:child_process';
import { jestConfig } from '@scalegram/jest-config';

// The video tests need ffmpeg and ffprobe. The worker's container image installs them; a fresh CI
// machine or laptop may not have them, and then those tests are left out, loudly, rather than failing.
const videoTools = ['ffmpeg', 'ffprobe'].every(
  (tool) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).status === 0,
);
if (!videoTools) {
  console.warn(
    '[media-worker] ffmpeg/ffprobe not found: test/video-*.test.ts are NOT run. Install ffmpeg to run them.',
  );
}

export default jestConfig(videoTools ? {} : { testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/video-'] });
