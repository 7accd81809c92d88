/**
 * Documents the store deletes by itself some time after a date field: a TTL index (MongoDB's
 * monitor removes expired documents about once a minute). FerretDB 1.24 refuses the index option
 * (`Index option "expireAfterSeconds" is not implemented yet`), so on it the hub deletes them itself
 * (services/quality.ts `RejectionRetention.purge`, every hour).
 */
import type { Collection, Document } from 'mongodb';

/** Store error codes that say the store has no TTL indexes: NotImplemented, CommandNotSupported, InvalidIndexSpecificationOption. */
const NO_TTL = new Set([238, 115, 197]);

/**
 * Makes the store delete the documents of `collection` `seconds` after their `field`: creates the
 * TTL index, or changes the expiry of the one there (or of a plain index on the field, which
 * MongoDB ≥ 5.1 turns into one). Returns false when the store cannot expire documents, so the
 * caller deletes them itself; rethrows any other failure.
 */
export async function expireAfter(collection: Collection<Document>, field: string, seconds: number): Promise<boolean> {
  try {
    const existing = (await collection.indexes()).find((i) => Object.keys(i.key).length === 1 && i.key[field] === 1);
    if (!existing) {
      await collection.createIndex({ [field]: 1 }, { name: `${field}_ttl`, expireAfterSeconds: seconds });
    } else if (existing.expireAfterSeconds !== seconds) {
      await collection.db.command({
        collMod: collection.collectionName,
        index: { keyPattern: { [field]: 1 }, expireAfterSeconds: seconds },
      });
    }
    return true;
  } catch (e) {
    if (NO_TTL.has((e as { code?: number }).code ?? 0)) return false;
    throw e;
  }
}
