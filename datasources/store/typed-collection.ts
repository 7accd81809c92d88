/**
 * A model's collection typed by the model's documents. Mongoose declares `Model<T>.collection` for any
 * document, so the driver's typed filters, updates and inserts are lost there; this is the one place
 * that says what the collection holds, instead of a cast at every call.
 */
import type { Collection, Document } from 'mongodb';
import type { Model } from 'mongoose';

export function collectionOf<T extends Document>(model: Model<T>): Collection<T> {
  return model.collection as unknown as Collection<T>;
}
