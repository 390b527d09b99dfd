// What the numbers were measured on. On shared machines this is never the whole story, hence the ceiling.
import { cpus, totalmem } from 'node:os';
import type { Report } from './schema.ts';

export function machineInfo(): Report['machine'] {
  const list = cpus();
  return {
    cores: Math.max(1, list.length),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}
