/** The evaluation of the supervision rules: its parts are in evaluation/ (this path is kept for its importers). */
export * from './evaluation';
