// ffprobe and ffmpeg, run as child processes on a local copy of the video. They are optional: the
// worker's container image installs them, a laptop may not have them. Without them a video fails with
// `video-tools-unavailable` (and the worker says so at start-up); images never need them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FailureReason, MediaRejectedError } from '../domain/failure-reason.ts';

const run = promisify(execFile);

export interface VideoTools {
  ffprobe: string;
  ffmpeg: string;
  /** Upper bound for one tool invocation; a hung decoder must not hold the job forever. */
  timeoutMs: number;
}

export interface VideoProbe {
  durationMs: number;
  /** Coded dimensions of the first video stream (before any rotation the container asks for). */
  width: number;
  height: number;
}

/** The tools when both answer `-version`, otherwise undefined. */
export async function findVideoTools(
  commands: { ffprobe: string; ffmpeg: string } = { ffprobe: 'ffprobe', ffmpeg: 'ffmpeg' },
  timeoutMs = 120_000,
): Promise<VideoTools | undefined> {
  try {
    await run(commands.ffprobe, ['-version'], { timeout: 10_000 });
    await run(commands.ffmpeg, ['-version'], { timeout: 10_000 });
    return { ...commands, timeoutMs };
  } catch {
    return undefined;
  }
}

interface ProbeOutput {
  streams?: { width?: number; height?: number }[];
  format?: { duration?: string };
}

export async function probeVideo(tools: VideoTools, file: string): Promise<VideoProbe> {
  const { stdout } = await tool(tools, tools.ffprobe, [
    ...['-v', 'error', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=width,height:format=duration', '-of', 'json', file],
  ]);
  const output = JSON.parse(stdout.toString('utf8')) as ProbeOutput;
  const stream = output.streams?.[0];
  const seconds = Number(output.format?.duration);
  if (!stream?.width || !stream.height || !Number.isFinite(seconds)) {
    throw new MediaRejectedError(FailureReason.corruptVideo, 'no video stream with dimensions and a duration');
  }
  return { durationMs: Math.round(seconds * 1000), width: stream.width, height: stream.height };
}

/**
 * One frame as PNG, rotated as the container says (ffmpeg's default autorotate), taken a little into
 * the video (the very first frame is often black): at half the duration, at most one second in.
 */
export async function extractPoster(tools: VideoTools, file: string, durationMs: number): Promise<Buffer> {
  const seconds = Math.min(1, durationMs / 2000).toFixed(3);
  const { stdout } = await tool(tools, tools.ffmpeg, [
    ...['-v', 'error', '-ss', seconds, '-i', file],
    ...['-frames:v', '1', '-an', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
  ]);
  if (stdout.length === 0) throw new MediaRejectedError(FailureReason.corruptVideo, 'ffmpeg produced no frame');
  return stdout;
}

async function tool(tools: VideoTools, command: string, args: string[]): Promise<{ stdout: Buffer }> {
  try {
    return await run(command, args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: tools.timeoutMs });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: Buffer; killed?: boolean };
    if (failure.code === 'ENOENT') {
      throw new MediaRejectedError(FailureReason.videoToolsUnavailable, `${command} is not installed`);
    }
    // A non-zero exit on a complete local file is a property of the file: not worth retrying.
    const detail = failure.stderr?.toString('utf8').trim().split('\n')[0] ?? failure.message;
    throw new MediaRejectedError(FailureReason.corruptVideo, `${command} failed: ${detail}`, { cause: error });
  }
}
