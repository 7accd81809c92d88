/** A live source's connector: its kind's protocol behind the shared resilience policy, its answers accepted as records. */
import type { ValidationOptions } from '../../../domain/records';
import type { AnyRecordDoc, DataSourceDoc } from '../../store/models';
import type { SourceHealthTracker } from '../health';
import { acceptAnswer, sentRecords } from './answer';
import { SourceNotListable, type ListParams, type LivePage, type SourceConnector, type SourceProtocol } from './connector';
import { protocolFor } from './kinds';
import { ResiliencePolicy } from './policy';

export class LiveConnector implements SourceConnector {
  private readonly policy: ResiliencePolicy;
  private readonly protocol: SourceProtocol;

  constructor(
    readonly source: DataSourceDoc,
    private readonly health: SourceHealthTracker,
    private readonly validation: Pick<ValidationOptions, 'futureSkewMs'> = {},
  ) {
    this.protocol = protocolFor(source);
    this.policy = new ResiliencePolicy(source, health);
  }

  get id(): string {
    return this.source._id.toHexString();
  }

  async byIdNumbers(idNumbers: readonly string[]): Promise<AnyRecordDoc[]> {
    return this.accept(await this.policy.execute((signal) => this.protocol.byIdNumbers(idNumbers, signal), sentRecords)).records;
  }

  get listable(): boolean {
    return this.protocol.list !== undefined;
  }

  async list(params: ListParams): Promise<LivePage> {
    const list = this.protocol.list;
    if (list) return this.accept(await this.policy.execute((signal) => list(params, signal), sentRecords));
    // read by person only: a list of one person is that person's records, filtered here as a list would be
    const idNumber = params.idNumber;
    if (!idNumber) throw new SourceNotListable(this.id, this.source.name, this.source.kind);
    const records = (await this.byIdNumbers([idNumber])).filter(
      (r) =>
        r.idNumber === idNumber &&
        (!params.regions?.length || params.regions.some((p) => r.region.startsWith(p))) &&
        (!params.eventFrom || r.eventAt >= params.eventFrom) &&
        (!params.eventTo || r.eventAt < params.eventTo),
    );
    return { records, nextCursor: null, total: records.length };
  }

  async probe(): Promise<void> {
    await this.policy.execute(
      (signal) => this.protocol.health(signal),
      () => 0,
    );
  }

  private accept(body: unknown): LivePage {
    return acceptAnswer(this.source, body, this.health, this.validation);
  }
}
