// Kysely's PGlite driver sends every statement with PGlite's `query`, i.e. the extended protocol,
// which accepts one statement only. node-postgres uses the simple protocol whenever a query has no
// parameters, which is what lets a migration file hold many statements. Route parameterless
// statements through `exec` (the simple protocol) so both adapters accept the same SQL.
import type { PGlite } from '@electric-sql/pglite';

type Queryable = Pick<PGlite, 'query' | 'exec'>;
type Rows = Awaited<ReturnType<PGlite['query']>>;

export async function queryLikeNodePostgres(target: Queryable, text: string, params?: unknown[]): Promise<Rows> {
  if (params !== undefined && params.length > 0) return target.query(text, params, { rowMode: 'object' });
  const results = await target.exec(text, { rowMode: 'object' });
  const last = results.at(-1);
  return last ?? { rows: [], fields: [], affectedRows: 0 };
}
