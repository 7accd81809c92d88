/** A region as the graph passes it around: its code. The `Region` resolvers add the name. */
export type RegionRef = string;
