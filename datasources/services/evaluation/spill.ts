/** Spill files: where a run's hosted records wait for their chunk of persons (ChunkSpill). */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import { BSON } from 'mongodb';
import type { Domain } from '../../../domain/records';
import type { PersonRecords, RuleRecord } from '../../../domain/rules';
import { personOf, ruleRecord, type RawDoc } from './persons';

export interface ChunkSpillOptions {
  /** records held in memory at once, and in one chunk unless it is one person's */
  bound: number;
  /** chunks the estimate plans (1: hold records in memory until the bound is passed) */
  planned: number;
  /** the run's temporary folder */
  dir: string;
}

/** Most files one split writes at once (each an open file descriptor). */
const MAX_FANOUT = 256;
/** Splits of one file before it is taken as it is (distinct persons always part long before). */
const MAX_DEPTH = 24;

/** Records of one hash bucket, in a file: `idNumber \t domain \t EJSON` per line. */
interface Bucket {
  file: string;
  records: number;
  out?: fs.WriteStream;
  firstId?: string;
  onePerson: boolean;
  chunk?: number;
}
/** Persons of a split go to `parts[bucketHash(id, salt) % parts.length]`. */
interface Split {
  salt: number;
  parts: (Bucket | Split)[];
}

/**
 * Where a run's hosted records wait for their chunk. Up to `bound` records are held in memory; at the
 * next (or from the start, when the estimate plans several chunks) every record goes to a temporary
 * file by a hash of its person's ID number. The estimate may be far off (the store grew since the last
 * run), so after the read each file of more than `bound` records is split again with another hash, on
 * disk, until it fits or holds one person's records only: memory is bounded by what was read, never
 * by what was expected. Not a range of ID numbers read from the store per chunk: FerretDB evaluates
 * ranges (and sorts) after reading whole collections, so every chunk would read the store again.
 */
export class ChunkSpill {
  private held: [Domain, RawDoc][] = [];
  private root: Split | null = null;
  private buckets = 0;
  private chunks: Bucket[] = [];
  private readonly bound: number;
  private readonly planned: number;
  private readonly dir: string;

  constructor(options: ChunkSpillOptions) {
    this.bound = options.bound;
    this.planned = options.planned;
    this.dir = options.dir;
  }

  async add(d: Domain, doc: RawDoc): Promise<void> {
    if (!this.root && this.planned === 1 && this.held.length < this.bound) {
      this.held.push([d, doc]);
      return;
    }
    if (!this.root) {
      this.root = this.split(0, this.planned);
      for (const [hd, hdoc] of this.held)
        await this.write(this.bucketOf(hdoc.idNumber), hdoc.idNumber, `${hd}\t${BSON.EJSON.stringify(hdoc)}`);
      this.held = [];
    }
    await this.write(this.bucketOf(doc.idNumber), doc.idNumber, `${d}\t${BSON.EJSON.stringify(doc)}`);
  }

  /** Closes the files and splits those over the bound; the number of chunks. */
  async settle(tick: () => Promise<void>): Promise<number> {
    if (!this.root) return 1;
    await closeAll(this.leaves(this.root));
    this.root = await this.settleSplit(this.root, tick);
    this.chunks = this.leaves(this.root);
    this.chunks.forEach((b, i) => {
      b.chunk = i;
    });
    return this.chunks.length;
  }

  chunkOf(idNumber: string): number {
    return this.root ? this.bucketOf(idNumber).chunk! : 0;
  }

  /** The persons of one chunk, with the count of their hosted records. */
  async read(chunk: number): Promise<{ persons: Map<string, PersonRecords>; records: number }> {
    const persons = new Map<string, PersonRecords>();
    const add = (d: Domain, doc: RawDoc) => {
      (personOf(persons, doc.idNumber)[d] as RuleRecord[]).push(ruleRecord(d, doc));
    };
    if (!this.root) {
      for (const [d, doc] of this.held) add(d, doc);
      const records = this.held.length;
      this.held = [];
      return { persons, records };
    }
    const bucket = this.chunks[chunk];
    for await (const line of lines(bucket.file)) {
      const [, d, json] = fields(line);
      add(d as Domain, BSON.EJSON.parse(json) as unknown as RawDoc);
    }
    return { persons, records: bucket.records };
  }

  private split(depth: number, fanout: number): Split {
    const parts = Array.from({ length: Math.min(MAX_FANOUT, Math.max(2, fanout)) }, (): Bucket => ({
      file: path.join(this.dir, `${this.buckets++}.ndjson`),
      records: 0,
      onePerson: true,
    }));
    return { salt: depth, parts };
  }

  private bucketOf(idNumber: string, from: Split = this.root!): Bucket {
    let node: Bucket | Split = from;
    while ('parts' in node) node = node.parts[bucketHash(idNumber, node.salt) % node.parts.length];
    return node;
  }

  private async write(bucket: Bucket, idNumber: string, rest: string): Promise<void> {
    bucket.out ??= fs.createWriteStream(bucket.file);
    if (bucket.firstId === undefined) bucket.firstId = idNumber;
    else if (bucket.firstId !== idNumber) bucket.onePerson = false;
    bucket.records++;
    if (!bucket.out.write(`${idNumber}\t${rest}\n`)) await once(bucket.out, 'drain');
  }

  private async settleSplit(split: Split, tick: () => Promise<void>): Promise<Split> {
    for (let i = 0; i < split.parts.length; i++) {
      const part = split.parts[i];
      if ('parts' in part) await this.settleSplit(part, tick);
      else if (part.records > this.bound && !part.onePerson && split.salt + 1 < MAX_DEPTH) {
        const sub = this.split(split.salt + 1, Math.ceil(part.records / this.bound));
        let n = 0;
        for await (const line of lines(part.file)) {
          const tab = line.indexOf('\t');
          const id = line.slice(0, tab);
          await this.write(this.bucketOf(id, sub), id, line.slice(tab + 1));
          if (++n % 50_000 === 0) await tick();
        }
        await closeAll(this.leaves(sub));
        await fsp.rm(part.file, { force: true });
        split.parts[i] = await this.settleSplit(sub, tick);
      }
    }
    return split;
  }

  private leaves(node: Bucket | Split): Bucket[] {
    return 'parts' in node ? node.parts.flatMap((p) => this.leaves(p)) : [node];
  }
}

async function closeAll(buckets: Bucket[]): Promise<void> {
  await Promise.all(
    buckets.map(
      (b) =>
        b.out &&
        new Promise<void>((resolve, reject) => {
          b.out!.once('error', reject);
          b.out!.end(resolve);
        }),
    ),
  );
  for (const b of buckets) b.out = undefined;
}

/** The lines of a spill file (an empty bucket has no file). */
async function* lines(file: string): AsyncGenerator<string> {
  if (!fs.existsSync(file)) return;
  yield* readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
}

/** idNumber, domain, EJSON of a spill line. */
function fields(line: string): [string, string, string] {
  const a = line.indexOf('\t');
  const b = line.indexOf('\t', a + 1);
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
}

/**
 * The bucket hash of a person: FNV-1a of the ID number from a salted start, then murmur3's finaliser.
 * FNV-1a alone keeps its low bits in step with the characters' parity, so a salt would not move
 * persons between two buckets; the finaliser mixes every bit of the state into the low ones.
 */
function bucketHash(idNumber: string, salt: number): number {
  let h = 0x811c9dc5 ^ Math.imul(salt, 0x9e3779b9);
  for (let i = 0; i < idNumber.length; i++) h = Math.imul(h ^ idNumber.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
