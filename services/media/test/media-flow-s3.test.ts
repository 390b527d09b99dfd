// The media flow on the S3 protocol, against s3rver over real HTTP.
import { describeMediaFlow } from './support/media-flow-suite.ts';

describeMediaFlow('s3');
