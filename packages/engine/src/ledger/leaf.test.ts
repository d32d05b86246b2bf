import { sha256Hex } from '@synthguard/core';
import { canonicalJson, parseCanonicalJson } from '@synthguard/ledger';
import { describe, expect, it } from 'vitest';
import { type LeafBody, buildLeaf, commitment, newOpening, opens } from './leaf.js';

const body: LeafBody = {
  v: 1,
  id: '01KAQ6Z8X1ABCDEFGHJKMNPQRS',
  type: 'content.labeled',
  tenant: 't_01kaq6z8x1',
  time: '2026-11-22T03:45:00.123Z',
  produceId: '01KAQ6Z8X1ABCDEFGHJKMNPQRT',
  content: sha256Hex('output'),
  facts: { action: 'label', format: 'png', inputBytes: 1234, previousLabel: null },
};

describe('leaf', () => {
  it('is the canonical JSON of the body plus its commitment, and anyone can recompute it', () => {
    const opening = newOpening({ name: '张三' });
    const { leaf, text, bytes } = buildLeaf(body, opening);
    expect(text).toBe(canonicalJson(leaf));
    expect(parseCanonicalJson(text)).toEqual(leaf);
    expect(new TextDecoder().decode(bytes)).toBe(text);
    expect(text.startsWith('{"content":')).toBe(true); // RFC 8785: members sorted
    expect(text).not.toContain('张三');
    expect(leaf.record).toBe(
      sha256Hex(canonicalJson({ salt: opening.salt, leaf: body, personal: { name: '张三' } })),
    );
    expect(Buffer.from(opening.salt, 'base64')).toHaveLength(32);
  });

  it('opens with its own opening only', () => {
    const opening = newOpening({ name: '张三' });
    const { text } = buildLeaf(body, opening);
    expect(opens(text, opening)).toBe(true);
    expect(opens(text, { ...opening, personal: { name: '李四' } })).toBe(false);
    expect(opens(text, newOpening({ name: '张三' }))).toBe(false); // another salt
    expect(commitment(body, opening)).not.toBe(commitment({ ...body, type: 'content.propagated' }, opening));
  });
});
