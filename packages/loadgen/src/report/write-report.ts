// Writes the three artefacts of a run side by side: <name>.json (the full report), <name>.md (the
// summary table) and <name>.svg (the chart). The name carries the scenario and a timestamp, so runs
// accumulate in one directory instead of overwriting each other.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdown } from './markdown.ts';
import type { Report } from './schema.ts';
import { renderSvg } from './svg-chart.ts';

export interface WrittenReport {
  json: string;
  markdown: string;
  svg: string;
}

export async function writeReport(report: Report, directory: string): Promise<WrittenReport> {
  await mkdir(directory, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  const base = join(directory, `${report.scenario.name}-${report.kind}-${stamp}`);
  const files = { json: `${base}.json`, markdown: `${base}.md`, svg: `${base}.svg` };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.markdown, renderMarkdown(report));
  await writeFile(files.svg, renderSvg(report));
  return files;
}
