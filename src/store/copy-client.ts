import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * The pg client rosterd's PostgreSQL pool hands Kysely. It runs `COPY … FROM STDIN` through the COPY protocol
 * (pg-copy-streams) when Kysely sends that statement with its data as the only parameter, which is how
 * dialect-support.ts `copyRows` compiles it; every other query goes to pg unchanged. Kysely only ever calls
 * `query(sql, parameters)`, so a COPY can run inside its transactions on their own connection.
 */
const COPY_FROM_STDIN = /^copy\s[\s\S]*\sfrom\s+stdin$/i;

export class CopyClient extends pg.Client {
  // Overloads as pg declares them; the COPY case returns the same result shape as any other statement.
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text === 'string' && COPY_FROM_STDIN.test(text) && Array.isArray(values) && values.length === 1 && typeof values[0] === 'string' && callback === undefined) {
      return this.copy(text, values[0]) as never;
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }

  private copy(statement: string, data: string): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      const stream = (super.query as (q: unknown) => ReturnType<typeof copyFrom>)(copyFrom(statement));
      stream.on('error', reject);
      // 'finish' comes once the server confirmed the COPY and the connection is ready for the next statement.
      stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [], fields: [], oid: 0 }));
      stream.end(data);
    });
  }
}
