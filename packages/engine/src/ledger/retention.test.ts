import { describe, expect, it } from 'vitest';
import { codeOf } from '../testing/errors.js';
import { LEDGER_EVENTS, LEDGER_EVENT_TYPES, MIN_RETENTION_DAYS, isLedgerEventType } from './events.js';
import { parseRetention, retentionPolicy } from './retention.js';

describe('event catalogue', () => {
  it('names every event of «03» point 6, dotted and lower-case, each kept at least 184 days', () => {
    expect(LEDGER_EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'content.generated',
        'content.labeled',
        'content.propagated',
        'content.exported_unlabeled',
        'review.decided',
        'sanction.imposed',
        'sanction.lifted',
        'identity.checked',
        'consent.granted',
        'consent.withdrawn',
        'complaint.state_changed',
        'refutation.state_changed',
        'feature_database.changed',
        'emergency_order.issued',
        'emergency_order.lifted',
        'admin.action',
      ]),
    );
    for (const type of LEDGER_EVENT_TYPES) {
      expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(LEDGER_EVENTS[type].retentionDays).toBeGreaterThanOrEqual(MIN_RETENTION_DAYS);
      expect(LEDGER_EVENTS[type].doc).toMatch(/Art\. \d+/);
    }
    expect(LEDGER_EVENTS['content.exported_unlabeled'].doc).toMatch(/Measures Art\. 9/);
    expect(isLedgerEventType('content.labeled')).toBe(true);
    expect(isLedgerEventType('toString')).toBe(false);
  });
});

describe('retention', () => {
  it('defaults to 184 days for every type', () => {
    const policy = retentionPolicy();
    for (const type of LEDGER_EVENT_TYPES) expect(policy.days(type)).toBe(184);
    expect(policy.retainUntil('content.labeled', new Date('2026-01-01T00:00:00.000Z')).toISOString()).toBe(
      '2026-07-04T00:00:00.000Z',
    );
  });

  it('parses default and per-type overrides; a type override beats the default', () => {
    const settings = parseRetention(' default=200d , content.exported_unlabeled=365d,admin.action=184d ');
    expect(settings).toEqual({
      default: 200,
      byType: { 'content.exported_unlabeled': 365, 'admin.action': 184 },
    });
    const policy = retentionPolicy(settings);
    expect(policy.days('content.exported_unlabeled')).toBe(365);
    expect(policy.days('admin.action')).toBe(184);
    expect(policy.days('content.labeled')).toBe(200);
    expect(parseRetention('')).toEqual({ byType: {} });
  });

  it.each([
    ['default=183d', 'too_short'],
    ['content.labeled=30d', 'too_short'],
    ['default=0d', 'too_short'],
    ['default=184', 'syntax'],
    ['default=6m', 'syntax'],
    ['default=-200d', 'syntax'],
    ['default=36501d', 'syntax'],
    ['=200d', 'syntax'],
    ['content.nonsense=200d', 'unknown_type'],
    ['default=200d,default=300d', 'duplicate'],
    ['admin.action=200d,admin.action=300d', 'duplicate'],
    ['x'.repeat(5000), 'syntax'],
  ])('refuses %s (%s) with ledger.config_invalid', (text, problem) => {
    let err: unknown;
    try {
      retentionPolicy(parseRetention(text));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ledger.config_invalid', details: { setting: 'retention', problem } });
  });

  it('refuses settings under 184 days given as objects too', async () => {
    await expect(codeOf(Promise.resolve().then(() => retentionPolicy({ default: 100 })))).resolves.toBe(
      'ledger.config_invalid',
    );
    expect(() => retentionPolicy({ byType: { 'review.decided': 183 } })).toThrow(/at least 184 days/);
    expect(() => retentionPolicy({ byType: { nope: 200 } as never })).toThrow(/unknown event type/);
  });
});
