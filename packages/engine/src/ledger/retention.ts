/**
 * Retention per event type («03 The ledger», point 7): at least six months by default
 * (CSL Art. 21(3); Measures Art. 9), configurable per type, never shorter than 184 days.
 *
 * Text form (env SYNTHGUARD_LEDGER_RETENTION, read by the apps):
 *   `default=184d,content.exported_unlabeled=365d`
 * Comma-separated `name=<days>d`; `default` applies to every type not named.
 */
import { EngineError } from '../errors.js';
import {
  LEDGER_EVENTS,
  LEDGER_EVENT_TYPES,
  type LedgerEventType,
  MIN_RETENTION_DAYS,
  isLedgerEventType,
} from './events.js';

/** Longest retention accepted: 100 years (a typo guard, and Date arithmetic stays exact). */
export const MAX_RETENTION_DAYS = 36_500;
const MAX_RETENTION_TEXT = 4096;
const DAY_MS = 86_400_000;

/** Overrides of the catalogue's defaults, in days. */
export interface RetentionSettings {
  /** Applies to every type without an entry in `byType`. */
  readonly default?: number;
  readonly byType?: Readonly<Partial<Record<LedgerEventType, number>>>;
}

/** The retention in force: days per event type. */
export interface RetentionPolicy {
  days(type: LedgerEventType): number;
  /** The instant until which a record of `type` made at `time` is kept. */
  retainUntil(type: LedgerEventType, time: Date): Date;
}

function configError(problem: string, message: string, type?: string): EngineError {
  return new EngineError('ledger.config_invalid', message, {
    details: { setting: 'retention', problem, ...(type === undefined ? {} : { type }) },
  });
}

function checkDays(days: number, type: string): number {
  if (!Number.isSafeInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) {
    throw configError(
      'syntax',
      `The retention of ${type} must be a whole number of days up to ${MAX_RETENTION_DAYS}.`,
      type,
    );
  }
  if (days < MIN_RETENTION_DAYS) {
    throw configError(
      'too_short',
      `The retention of ${type} is ${days} days: the law asks for at least six months, so at least ${MIN_RETENTION_DAYS} days.`,
      type,
    );
  }
  return days;
}

/**
 * Parses `default=184d,content.exported_unlabeled=365d`. An empty text means no overrides.
 * Throws ledger.config_invalid (details.problem: syntax, unknown_type, duplicate, too_short).
 */
export function parseRetention(text: string): RetentionSettings {
  if (text.length > MAX_RETENTION_TEXT) {
    throw configError('syntax', `The retention setting is longer than ${MAX_RETENTION_TEXT} characters.`);
  }
  let defaultDays: number | undefined;
  const byType: Partial<Record<LedgerEventType, number>> = {};
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const match = /^([a-z_.]{1,64})\s*=\s*(\d{1,6})d$/.exec(item);
    if (match === null) {
      throw configError(
        'syntax',
        'Write the retention as name=<days>d, comma-separated, e.g. default=184d,content.exported_unlabeled=365d.',
      );
    }
    const [, name, digits] = match as unknown as [string, string, string];
    const days = checkDays(Number(digits), name);
    if (name === 'default') {
      if (defaultDays !== undefined) throw configError('duplicate', 'The retention names default twice.');
      defaultDays = days;
    } else if (isLedgerEventType(name)) {
      if (byType[name] !== undefined) {
        throw configError('duplicate', `The retention names ${name} twice.`, name);
      }
      byType[name] = days;
    } else {
      throw configError(
        'unknown_type',
        `The retention names an unknown event type; known: default, ${LEDGER_EVENT_TYPES.join(', ')}.`,
        name,
      );
    }
  }
  return defaultDays === undefined ? { byType } : { default: defaultDays, byType };
}

/**
 * The policy in force: per type, its override, else the `default` override, else the catalogue's
 * default. Throws ledger.config_invalid for anything under 184 days.
 */
export function retentionPolicy(settings: RetentionSettings = {}): RetentionPolicy {
  if (settings.default !== undefined) checkDays(settings.default, 'default');
  const days = new Map<LedgerEventType, number>();
  for (const type of LEDGER_EVENT_TYPES) {
    const override = settings.byType?.[type];
    const value =
      override === undefined
        ? (settings.default ?? LEDGER_EVENTS[type].retentionDays)
        : checkDays(override, type);
    days.set(type, value);
  }
  for (const name of Object.keys(settings.byType ?? {})) {
    if (!isLedgerEventType(name)) {
      throw configError('unknown_type', 'The retention names an unknown event type.', name);
    }
  }
  return {
    days: (type) => days.get(type) ?? MIN_RETENTION_DAYS,
    retainUntil: (type, time) => new Date(time.getTime() + (days.get(type) ?? MIN_RETENTION_DAYS) * DAY_MS),
  };
}
