// Relational DB benchmark: single-row insert and point select by primary key on the local
// PostgreSQL server vs PGlite in memory, measured in the same run, plus the id generator's rate.
// Run: pnpm --filter @scalegram/relational bench   (DATABASE_URL overrides the server)
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { Bench } from 'tinybench';
import { createIdGenerator } from '../src/id-generator.ts';
import { createPgliteDatabase } from '../src/pglite-database.ts';
import type { RelationalDatabase } from '../src/port.ts';
import { createPostgresDatabase } from '../src/postgres-database.ts';

interface BenchDb {
  bench_rows: { id: string; author_id: string; body: string };
}

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TIME_MS = 3_000;
const generator = createIdGenerator();

async function measure(database: RelationalDatabase<BenchDb>): Promise<{ insert: number; select: number }> {
  await sql`create table bench_rows (id bigint primary key, author_id bigint not null, body text not null)`.execute(
    database.db,
  );
  const ids: string[] = [];
  const bench = new Bench({ time: TIME_MS, warmupTime: 300 });
  bench.add('insert', async () => {
    const id = await generator.nextString(7);
    await database.db
      .insertInto('bench_rows')
      .values({ id, author_id: '7', body: 'a short post body, like most' })
      .execute();
    ids.push(id);
  });
  bench.add('select', async () => {
    const id = ids[Math.floor(Math.random() * ids.length)] as string;
    await database.db.selectFrom('bench_rows').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
  await bench.run();
  const [insert, select] = bench.tasks.map((task) => task.result?.throughput.mean ?? Number.NaN);
  return { insert: insert ?? Number.NaN, select: select ?? Number.NaN };
}

async function measureIds(): Promise<number> {
  const bench = new Bench({ time: TIME_MS, warmupTime: 300 });
  let shard = 0;
  bench.add('ids', async () => {
    await generator.next(shard);
    shard = (shard + 1) % 8192;
  });
  await bench.run();
  return bench.tasks[0]?.result?.throughput.mean ?? Number.NaN;
}

const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
const name = `sg_bench_${randomBytes(4).toString('hex')}`;
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const postgres = createPostgresDatabase<BenchDb>({ connectionString: url.toString(), poolMax: 4 });
const pglite = await createPgliteDatabase<BenchDb>();
try {
  const onPostgres = await measure(postgres);
  const onPglite = await measure(pglite);
  const idsPerSecond = await measureIds();
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(`Relational DB benchmark — ${new Date().toISOString()}`);
  console.log(
    `Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${TIME_MS / 1000} s per task, one client (sequential awaits)\n`,
  );
  console.log('| operation | PostgreSQL (ops/s) | PGlite in-memory (ops/s) | PGlite / PostgreSQL |');
  console.log('|---|---:|---:|---:|');
  console.log(
    `| single-row insert | ${fmt(onPostgres.insert)} | ${fmt(onPglite.insert)} | ${ratio(onPglite.insert, onPostgres.insert)} |`,
  );
  console.log(
    `| point select by primary key | ${fmt(onPostgres.select)} | ${fmt(onPglite.select)} | ${ratio(onPglite.select, onPostgres.select)} |`,
  );
  console.log(`\n| id generator | ids/s |\n|---|---:|\n| next() (async, rotating shards) | ${fmt(idsPerSecond)} |`);
} finally {
  await Promise.all([postgres.close(), pglite.close()]);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
