/**
 * Attachments (附件), stored once by content: the `attachments` collection holds one document per
 * distinct file, keyed by the SHA-256 of its bytes, with its size, type, bytes (BSON binary), who
 * uploaded it first and the units (`org` codes) it was shared with. Uploading the same bytes again
 * stores nothing new; the second uploader's unit may then read it too (it holds the file already).
 *
 * Who may read a file: an ADMIN, the uploader's unit, and the units it was linked for (`link`: a
 * consultation links its messages' files to both parties, a supervision document to the issuing
 * office and the addressee). Everyone else is told it does not exist (null), the same as for a hash
 * nobody uploaded.
 *
 * `readers` changes through guarded writes (store/guarded-writes.ts): two links at once (or a link and
 * a second upload) both keep their units. On FerretDB a plain `$addToSet` beside another could lose one.
 */
import { createHash } from 'node:crypto';
import { Binary, type Collection } from 'mongodb';
import { Schema, type Connection, type Model } from 'mongoose';
import { SHA256_HEX, type AttachmentType } from '../../domain/attachments';
import { echoPlain } from '../../domain/text';
import { badInput } from '../../lib/errors';
import { ConcurrentChangeError, type GuardedWrites } from '../store/guarded-writes';
import { DUPLICATE_KEY } from '../store/single-updates';

/** Who uploads or reads: a person's token (`sub`, unit `org`, `role`). */
export interface AttachmentActor {
  sub: string;
  org: string;
  role: string;
}

export interface AttachmentDoc {
  /** SHA-256 of the bytes, lower-case hex */
  _id: string;
  size: number;
  contentType: AttachmentType;
  bytes: Binary;
  uploadedBy: { sub: string; org: string };
  uploadedAt: Date;
  /** units (org codes) that may read it besides the uploader's */
  readers: string[];
  /** guarded writes so far (store/guarded-writes.ts) */
  version?: number;
}

/** What GraphQL and the upload's answer show of an attachment. */
export interface AttachmentMeta {
  sha256: string;
  size: number;
  contentType: AttachmentType;
}

/** Where a stored attachment is downloaded (`GET`, with the caller's token). */
export const attachmentUrl = (sha256: string) => `/attachments/${sha256}`;

const attachmentSchema = new Schema<AttachmentDoc>(
  {
    _id: String,
    size: { type: Number, required: true },
    contentType: { type: String, required: true },
    bytes: Buffer,
    uploadedBy: { sub: String, org: String },
    uploadedAt: Date,
    readers: [String],
    version: Number,
  },
  { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'attachments' },
);

export interface AttachmentModels {
  Attachment: Model<AttachmentDoc>;
}

export function createAttachmentModels(connection: Connection): AttachmentModels {
  const existing = connection.models.Attachment as Model<AttachmentDoc> | undefined;
  return { Attachment: existing ?? connection.model<AttachmentDoc>('Attachment', attachmentSchema) };
}

const META = { projection: { bytes: 0 } } as const;
const metaOf = (d: Pick<AttachmentDoc, '_id' | 'size' | 'contentType'>): AttachmentMeta => ({
  sha256: d._id,
  size: d.size,
  contentType: d.contentType,
});

export class Attachments {
  constructor(
    readonly models: AttachmentModels,
    private readonly claims: GuardedWrites,
    private readonly clock: () => number = Date.now,
  ) {}

  private get collection(): Collection<AttachmentDoc> {
    return this.models.Attachment.collection as unknown as Collection<AttachmentDoc>;
  }

  async ensureIndexes(): Promise<void> {
    // found by `_id` only: no index of its own
    await this.models.Attachment.createCollection().catch(() => undefined);
  }

  /**
   * Stores a file the route has checked (type and signature, size). Returns what it is and whether
   * this call stored it (`created`: false when the same bytes were there already; the caller's unit
   * is then added to its readers).
   */
  async put(bytes: Buffer, contentType: AttachmentType, caller: AttachmentActor): Promise<{ meta: AttachmentMeta; created: boolean }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const doc: AttachmentDoc = {
      _id: sha256,
      size: bytes.length,
      contentType,
      bytes: new Binary(bytes),
      uploadedBy: { sub: caller.sub, org: caller.org },
      uploadedAt: new Date(this.clock()),
      readers: [],
    };
    try {
      await this.collection.insertOne(doc);
      return { meta: metaOf(doc), created: true };
    } catch (e) {
      if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
    }
    // the same bytes are stored already (the hash decides, so the type is theirs as well)
    const stored = await this.collection.findOne({ _id: sha256 }, META);
    if (!stored) throw new Error(`attachment ${sha256}: reported as stored but not found`);
    await this.link([sha256], [caller.org]);
    return { meta: metaOf(stored), created: false };
  }

  /**
   * What the given attachments are, in the order given. An unknown hash (or one that is not a
   * SHA-256) is BAD_USER_INPUT naming its place: `field[i]`.
   */
  async describe(hashes: readonly string[], field = 'attachments'): Promise<AttachmentMeta[]> {
    hashes.forEach((h, i) => {
      if (!SHA256_HEX.test(h))
        throw badInput(`${field}[${i}]`, `${echoPlain(h)} is not an attachment id (the file's SHA-256, 64 lower-case hex digits)`);
    });
    if (hashes.length === 0) return [];
    const unique = [...new Set(hashes)];
    const found = new Map(
      (await Promise.all(unique.map((h) => this.collection.findOne({ _id: h }, META)))).filter((d) => d !== null).map((d) => [d._id, d]),
    );
    return hashes.map((h, i) => {
      const d = found.get(h);
      if (!d) throw badInput(`${field}[${i}]`, `no attachment ${h}: upload the file first (POST /attachments)`);
      return metaOf(d);
    });
  }

  /** Lets the given units read the given attachments (added to `readers`; idempotent). */
  async link(hashes: readonly string[], orgs: readonly string[]): Promise<void> {
    for (const sha256 of new Set(hashes)) {
      try {
        await this.claims.change(
          this.collection,
          sha256,
          (current) => {
            const readers = current.readers ?? [];
            const added = orgs.filter((o) => o !== current.uploadedBy.org && !readers.includes(o));
            return added.length ? { readers: [...readers, ...new Set(added)] } : null;
          },
          { attempts: 10 },
        );
      } catch (e) {
        if (e instanceof ConcurrentChangeError)
          throw badInput('attachments', `attachment ${sha256} is being shared by others right now; try again`);
        throw e;
      }
    }
  }

  /** Whether `caller` may read this stored attachment. */
  static mayRead(doc: Pick<AttachmentDoc, 'uploadedBy' | 'readers'>, caller: AttachmentActor): boolean {
    return caller.role === 'ADMIN' || doc.uploadedBy.org === caller.org || (doc.readers ?? []).includes(caller.org);
  }

  /** The file with its bytes, when it exists and `caller` may read it; null otherwise (the two are not told apart). */
  async read(hash: string, caller: AttachmentActor): Promise<(AttachmentMeta & { bytes: Buffer }) | null> {
    if (!SHA256_HEX.test(hash)) return null;
    // settled: a unit just linked must not be refused because a concurrent link's late write hid it
    const doc = await this.claims.settled(this.collection, hash);
    if (!doc || !Attachments.mayRead(doc, caller)) return null;
    return { ...metaOf(doc), bytes: Buffer.from(doc.bytes.value()) };
  }
}
