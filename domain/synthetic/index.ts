/**
 * Deterministic synthetic data for the hub (docs/domain.md "Synthetic data"): hosted sources, a streaming
 * record generator and its report. See generate.ts for the life-history model and the planted rates.
 *
 * @example
 * const opts = { persons: 10_000, seed: 42, today: new Date('2025-06-30T12:00:00+08:00') };
 * for (const item of generateSynthetic(opts)) validateRecord(item.domain, item.record);
 */
export {
  generatePersons,
  generateSynthetic,
  PLANT_BLOCK,
  PLANT_QUOTA,
  plantedItem,
  syntheticReport,
  syntheticSources,
  type AnySyntheticItem,
  type SyntheticItem,
  type SyntheticOptions,
  type SyntheticPerson,
  type SyntheticReport,
} from './generate';
export type { SyntheticRecordByDomain } from './model';
export { PLANTED_DOMAIN, SYNTHETIC_RULE_IDS, type SyntheticRuleId } from './planted';
export type { SourceSpec } from './sources';
