#!/usr/bin/env node
// Entry point of the README's two commands (`npm start`, `npm test`).
// It must run on whatever Node a fresh machine has (plain JavaScript, no dependencies), so it:
//   1. provisions the target runtime (Node 24 LTS) and pnpm from the npm registry into .tools/
//      when the system Node is older or pnpm is missing,
//   2. installs the workspace with the frozen lockfile,
//   3. hands over to the real task under the provisioned runtime.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nodeMajor = 24;
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = packageManager.replace(/^pnpm@/, '');
const tools = join(root, '.tools');
const toolsBin = join(tools, 'node_modules', '.bin');

const task = process.argv[2];
const tasks = {
  test: ['run', 'check'],
  start: ['run', 'start:system'],
};
if (!(task in tasks)) {
  console.error(`usage: node scripts/bootstrap.mjs <${Object.keys(tasks).join('|')}>`);
  process.exit(2);
}

function log(message) {
  console.log(`\x1b[36m[scalegram]\x1b[0m ${message}`);
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function versionOf(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function majorOf(version) {
  return Number(/^v?(\d+)/.exec(version ?? '')?.[1] ?? 0);
}

// Decide which pieces .tools/ must provide.
const systemNodeOk = majorOf(process.version) >= nodeMajor;
const toolsNode = join(toolsBin, 'node');
const toolsPnpm = join(toolsBin, 'pnpm');
const needNode = !systemNodeOk && majorOf(versionOf(toolsNode)) < nodeMajor;
const needPnpm = versionOf(toolsPnpm) !== pnpmVersion;

if (needNode || needPnpm) {
  const wanted = [needNode ? `node@${nodeMajor}` : undefined, needPnpm ? `pnpm@${pnpmVersion}` : undefined].filter(
    Boolean,
  );
  log(`provisioning ${wanted.join(' and ')} from the npm registry into .tools/ (system Node is ${process.version})`);
  mkdirSync(tools, { recursive: true });
  const manifest = join(tools, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, '{ "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const status = run(npm, ['install', '--prefix', tools, '--no-audit', '--no-fund', '--loglevel=error', ...wanted]);
  if (status !== 0) {
    console.error('could not provision the toolchain from the npm registry');
    process.exit(status);
  }
}

// Everything after this point runs under the target runtime: .tools/ first on PATH.
const env = { ...process.env, PATH: [toolsBin, process.env.PATH].join(delimiter) };
delete env.npm_config_engine_strict;
// glibc gives each thread that allocates its own arena; libvips (sharp, the media worker's image
// pipeline) allocates from many threads and would leave hundreds of MB of fragmented arenas resident.
// Two arenas is the setting sharp's own documentation recommends for long-running servers.
if (task === 'start') env.MALLOC_ARENA_MAX ??= '2';
const node = systemNodeOk ? process.execPath : toolsNode;
log(`runtime: Node ${versionOf(node)}, pnpm ${versionOf(toolsPnpm)}`);

const install = run(toolsPnpm, ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], env);
if (install !== 0) process.exit(install);

// Ctrl-C reaches the whole process group: the task handles it (npm start stops the system cleanly and
// exits 0), so this process ignores it and exits with the task's code instead of dying of the signal.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});

// `npm start -- --fresh` hands its options on to the task (pnpm passes what follows the script name).
process.exit(run(toolsPnpm, [...tasks[task], ...process.argv.slice(3)], env));
