/**
 * The one logger (pino). Components take a child logger. ID numbers never appear in clear:
 * the redaction paths below mask them wherever a log call might carry one.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'hub'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['idNumber', '*.idNumber', 'idNumbers', '*.idNumbers', 'variables', '*.variables', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
