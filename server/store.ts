/**
 * The connection to the hub's own store (MongoDB or FerretDB) through mongoose.
 *
 * Commands are not buffered while disconnected: a request during a store outage fails fast with
 * SERVICE_UNAVAILABLE instead of hanging, and the driver reconnects by itself when the store is back.
 */
import mongoose, { type Connection } from 'mongoose';

export interface StoreOptions {
  uri: string;
  dbName: string;
  /** how long an operation waits for a reachable server before failing */
  timeoutMs: number;
  /** emit the driver's command events (off by default: they cost a second parse of every reply; /metrics
   *  times store round trips from the pool's events either way, and by command name with these) */
  monitorCommands?: boolean;
  maxPoolSize?: number;
  onError?: (error: unknown) => void;
}

export async function connectStore(options: StoreOptions): Promise<Connection> {
  // Refuse filter objects with $-operators coming from user input everywhere (SECURITY.md).
  mongoose.set('sanitizeFilter', true); // operator filters are built only in datasources/ and run on the driver collection
  mongoose.set('strictQuery', true);
  const connection = mongoose.createConnection(options.uri, {
    dbName: options.dbName,
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: options.timeoutMs,
    connectTimeoutMS: options.timeoutMs,
    socketTimeoutMS: 0,
    heartbeatFrequencyMS: 1000,
    maxPoolSize: options.maxPoolSize ?? 20,
    monitorCommands: options.monitorCommands ?? false,
  });
  // An 'error' event without a listener would end the process; outages are reported by /readyz instead.
  connection.on('error', (err) => options.onError?.(err));
  await connection.asPromise();
  return connection;
}

/** Asks the store whether it answers; rejects with the reason when it does not. */
export async function pingStore(connection: Connection, timeoutMs: number): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('not connected to the store');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the store did not answer a ping within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.admin().ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the store is FerretDB (its buildInfo says so) or MongoDB: the two serve `$in` very differently. */
export async function storeFlavor(connection: Connection): Promise<'ferretdb' | 'mongodb'> {
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string' ? 'ferretdb' : 'mongodb';
}
