// The media flow on the local store: presigned URLs served by the media app itself at /files.
import { describeMediaFlow } from './support/media-flow-suite.ts';

describeMediaFlow('local');
