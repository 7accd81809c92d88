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
  // Refuse filter objects with $-operators coming from user input everywhere (docs/security.md).
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

/**
 * The driver's monitor's verdict on the store: down from a heartbeat that failed (no answer to
 * `hello` within `connectTimeoutMS`, the store timeout, or the connection refused) until one succeeds.
 *
 * Why the HTTP layer needs it: a store that stops answering without closing its connections
 * (SIGSTOP, a frozen VM, a cut network) left a dossier waiting three store timeouts in a row (8.9 s at
 * STORE_TIMEOUT_MS=3000): its lookups hung until the monitor gave up on the store and interrupted
 * them, their retry waited `serverSelectionTimeoutMS` for a server, then the audit entry waited as
 * long again. Each wait is one operation's timeout; a request has several in sequence. Requests are
 * therefore answered when the monitor declares the store down (about one store timeout after it
 * froze), or at once while it is down, instead of each operation waiting out its own timeout.
 * Not a per-operation `timeoutMS` (the driver's CSOT): that also cuts a slow but live store's long
 * reads (a statistics aggregate takes 3.6–6.5 s on FerretDB), which a frozen store is told apart
 * from by its unanswered heartbeat.
 */
export class StoreWatch {
  private reason: string | null = null;
  private readonly listeners = new Set<(reason: string) => void>();
  /** each server the driver monitors (one for FerretDB; a replica set's members): whether its last check failed */
  private readonly failing = new Map<string, boolean>();

  constructor(connection: Connection) {
    const client = connection.getClient();
    client.on('serverHeartbeatFailed', (e) => {
      this.failing.set(e.connectionId, true);
      // a replica set member alone going quiet is the driver's to route around
      if ([...this.failing.values()].some((failed) => !failed)) return;
      this.reason = `no answer from the store's monitor check: ${e.failure?.message ?? 'failed'}`;
      for (const listener of [...this.listeners]) listener(this.reason);
    });
    client.on('serverHeartbeatSucceeded', (e) => {
      this.failing.set(e.connectionId, false);
      this.reason = null;
    });
  }

  /** Why the store is down, or null while it answers. */
  get down(): string | null {
    return this.reason;
  }

  /** Calls `listener` when the store is next declared down; returns the unsubscribe. */
  onDown(listener: (reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
