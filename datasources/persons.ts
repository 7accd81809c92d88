/** Persons (当事人): one document per ID number, kept current by ingest. */
import type { Models, PersonDoc } from './models';
import { ONE_BATCH } from './record-store';

export class PersonStore {
  constructor(private readonly models: Models) {}

  /** The persons of these ID numbers in key order, `null` for an unknown one (for DataLoader). */
  async byIdNumbers(idNumbers: readonly string[]): Promise<(PersonDoc | null)[]> {
    // driver collection: see RecordStore on sanitizeFilter
    const rows = await this.models.Person.collection.find({ idNumber: { $in: [...idNumbers] } }, { batchSize: ONE_BATCH }).toArray() as PersonDoc[];
    const byId = new Map(rows.map((p) => [p.idNumber, p]));
    return idNumbers.map((id) => byId.get(id) ?? null);
  }
}
