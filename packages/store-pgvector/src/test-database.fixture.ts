import { PGlite } from '@electric-sql/pglite';
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg, { type Pool } from 'pg';

/** A PostgreSQL server with pgvector for tests, and a pool on it. */
export interface TestDatabase {
  /** A connection string for stores that open their own pool. */
  readonly connectionString: string;
  /** A shared pool (one connection when the server is PGlite). */
  readonly pool: Pool;
  /** True when this is the in-process PGlite server (one session at a time), false for PV_TEST_POSTGRES_URL. */
  readonly isPglite: boolean;
  /** A table name no other test uses; dropped (with its meta table) by {@link TestDatabase.stop}. */
  uniqueTable(): string;
  /**
   * A pool whose transactions are all read-only, like one on a streaming replica: on PGlite (one session)
   * the shared pool with `default_transaction_read_only` on until `end`; on a real server a new pool.
   */
  readOnlyPool(): Promise<{ readonly pool: Pool; end(): Promise<void> }>;
  /** Drops the tables handed out, ends the pool and stops PGlite. */
  stop(): Promise<void>;
}

let tableCounter = 0;

/**
 * Starts the database tests run against: the server named by `PV_TEST_POSTGRES_URL` when set (it needs the
 * `vector` extension available), otherwise PGlite with pgvector 0.8 served over the PostgreSQL wire
 * protocol on 127.0.0.1 (random free port) by pglite-socket, so tests exercise the same `pg` code path as
 * production.
 *
 * PGlite is one PostgreSQL session: pglite-socket multiplexes connections onto it, so two connections
 * with transactions in flight would share one session. The shared pool therefore has one connection. The
 * server admits three sockets so that a store with its own pool (`connectionString`) can be opened while
 * the shared pool sits idle and the previous owned pool's socket is still being closed; a store that
 * failed to end its pool would exhaust them within a few open/close cycles.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const external = process.env.PV_TEST_POSTGRES_URL;
  const run = `${process.pid.toString(36)}_${Date.now().toString(36)}`;
  const tables: string[] = [];
  const uniqueTable = (): string => {
    const name = `pv_test_${run}_${(tableCounter++).toString(36)}`;
    tables.push(name);
    return name;
  };
  if (external !== undefined && external !== '') {
    const pool = new pg.Pool({ connectionString: external, max: 8 });
    return {
      connectionString: external,
      pool,
      isPglite: false,
      uniqueTable,
      async readOnlyPool() {
        const readOnly = new pg.Pool({ connectionString: external, max: 2, options: '-c default_transaction_read_only=on' });
        return { pool: readOnly, end: () => readOnly.end() };
      },
      async stop() {
        for (const table of tables) await pool.query(`DROP TABLE IF EXISTS "${table}", "${table}_meta"`);
        await pool.end();
      },
    };
  }
  const db = await PGlite.create({ extensions: { vector, pageinspect } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 3 });
  await server.start();
  const connectionString = `postgresql://postgres@${server.getServerConn()}/postgres`;
  const pool = new pg.Pool({ connectionString, max: 1 });
  return {
    connectionString,
    pool,
    isPglite: true,
    uniqueTable,
    async readOnlyPool() {
      await pool.query('SET default_transaction_read_only = on');
      return {
        pool,
        async end() {
          await pool.query('SET default_transaction_read_only = off');
        },
      };
    },
    async stop() {
      await pool.end();
      await server.stop();
      await db.close();
    },
  };
}
