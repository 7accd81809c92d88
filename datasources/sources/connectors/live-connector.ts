/** A live source's connector: its kind's protocol behind the shared resilience policy, its answers accepted as records. */
import type { ValidationOptions } from '../../../domain/records';
import type { AnyRecordDoc, DataSourceDoc } from '../../store/models';
import type { SourceHealthTracker } from '../health';
import { acceptAnswer, sentRecords } from './answer';
import type { ListParams, LivePage, SourceConnector, SourceProtocol } from './connector';
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

  async list(params: ListParams): Promise<LivePage> {
    return this.accept(await this.policy.execute((signal) => this.protocol.list(params, signal), sentRecords));
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
