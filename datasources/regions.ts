import { regionName } from '../domain/regions';

/** A region as the graph passes it around: its code. The `Region` resolvers add the name. */
export type RegionRef = string;

export function regionOf(code: RegionRef): { code: string; name: string } {
  return { code, name: regionName(code) };
}
