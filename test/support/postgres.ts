import { Pool } from 'pg';

/**
 * A pool on the PostgreSQL server of the machine (127.0.0.1:5432, trust auth, database `test`;
 * PGHOST, PGPORT, PGUSER and PGDATABASE override), checked with one query so that a missing server
 * fails the suite with a message that says so.
 */
export async function postgresPool(): Promise<Pool> {
  const pool = new Pool({
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
    max: 4,
    connectionTimeoutMillis: 5000,
  });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new Error(`PostgreSQL is needed for the PostgresCacheStore suites and did not answer: ${(error as Error).message}`);
  }
  return pool;
}
