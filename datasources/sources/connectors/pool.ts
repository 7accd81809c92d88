/**
 * One connector per live source, rebuilt when the source changes (new endpoint, timeout, mapping),
 * so breakers and bulkheads persist across requests.
 */
import type { ValidationOptions } from '../../../domain/records';
import type { DataSourceDoc } from '../../store/models';
import type { SourceHealthTracker } from '../health';
import type { SourceConnector } from './connector';
import { LiveConnector } from './live-connector';

export class ConnectorPool {
  private connectors = new Map<string, { version: number; connector: SourceConnector }>();

  constructor(
    private readonly health: SourceHealthTracker,
    private readonly validation: Pick<ValidationOptions, 'futureSkewMs'> = {},
  ) {}

  /** The connector of a live source (REST, GRAPHQL, …); throws for a HOSTED one. */
  for(source: DataSourceDoc): SourceConnector {
    const id = source._id.toHexString();
    const have = this.connectors.get(id);
    if (have && have.version === source.version) return have.connector;
    const connector = new LiveConnector(source, this.health, this.validation);
    this.connectors.set(id, { version: source.version, connector });
    return connector;
  }
}
