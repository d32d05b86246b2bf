import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { ensureCustomOverride, hasOverride } from './content-types.js';
import {
  CUSTOM_PROPERTIES_NS,
  NEW_CUSTOM_PROPERTIES_PART,
  VT_NS,
  readCustomAigc,
  setCustomAigc,
} from './custom-props.js';
import { customPropertiesTarget, ensureCustomRelationship, resolveTarget } from './relationships.js';

describe('custom properties part', () => {
  it('inserts, replaces and removes the AIGC property as text splices', () => {
    const withOther = NEW_CUSTOM_PROPERTIES_PART.replace(
      '</Properties>',
      '\n  <property fmtid="{X}" pid="7" name="Other"><vt:lpwstr>o</vt:lpwstr></property>\n</Properties>',
    );
    const set = setCustomAigc(withOther, 'v1');
    expect(set).toBe(
      withOther.replace(
        '</Properties>',
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="8" name="AIGC"><vt:lpwstr>v1</vt:lpwstr></property></Properties>',
      ),
    );
    expect(readCustomAigc(set)).toBe('v1');
    expect(setCustomAigc(set, 'v2')).toBe(set.replace('>v1<', '>v2<'));
    expect(setCustomAigc(set, undefined)).toBe(withOther);
    expect(setCustomAigc(withOther, undefined)).toBe(withOther);
  });

  it('handles an empty-element root, other prefixes and a missing vt binding', () => {
    const text = `<op:Properties xmlns:op="${CUSTOM_PROPERTIES_NS}"/>`;
    const set = setCustomAigc(text, 'x');
    expect(set).toBe(
      `<op:Properties xmlns:op="${CUSTOM_PROPERTIES_NS}"><op:property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="AIGC">` +
        `<vt:lpwstr xmlns:vt="${VT_NS}">x</vt:lpwstr></op:property></op:Properties>`,
    );
    expect(readCustomAigc(set)).toBe('x');
    const q = `<Properties xmlns="${CUSTOM_PROPERTIES_NS}" xmlns:t="${VT_NS}"></Properties>`;
    expect(setCustomAigc(q, 'y')).toContain('<t:lpwstr>y</t:lpwstr>');
  });

  it('reads lpstr and bstr values and keeps their element type when replacing', () => {
    const text = NEW_CUSTOM_PROPERTIES_PART.replace(
      '</Properties>',
      '<property fmtid="{X}" pid="2" name="AIGC"><vt:bstr>a &amp; b</vt:bstr></property></Properties>',
    );
    expect(readCustomAigc(text)).toBe('a & b');
    expect(setCustomAigc(text, 'c')).toContain('<vt:bstr>c</vt:bstr>');
  });

  it.each([
    ['the wrong root', '<Properties xmlns="urn:other"/>'],
    [
      'a value in another namespace',
      `<Properties xmlns="${CUSTOM_PROPERTIES_NS}"><property name="AIGC"><lpwstr>x</lpwstr></property></Properties>`,
    ],
    [
      'two value elements',
      `<Properties xmlns="${CUSTOM_PROPERTIES_NS}" xmlns:vt="${VT_NS}"><property name="AIGC"><vt:lpwstr/><vt:lpwstr/></property></Properties>`,
    ],
  ])('rejects %s', (_, text) => {
    expect(catchFormatError(() => readCustomAigc(text))?.code).toBe('format.corrupt');
  });
});

describe('content types and relationships', () => {
  const ct =
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>';
  const rels =
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="t" Target="word/document.xml"/><Relationship Id="rId2" Type="t" Target="x"/></Relationships>';

  it('adds the Override once; a conflicting content type is corrupt', () => {
    const once = ensureCustomOverride(ct, '/docProps/custom.xml');
    expect(hasOverride(once, '/DOCPROPS/custom.xml')).toBe(true);
    expect(ensureCustomOverride(once, '/docProps/custom.xml')).toBe(once);
    const wrong = once.replace('custom-properties+xml', 'foo+xml');
    expect(catchFormatError(() => ensureCustomOverride(wrong, '/docProps/custom.xml'))?.code).toBe(
      'format.corrupt',
    );
  });

  it('adds the relationship once, with a fresh Id', () => {
    const once = ensureCustomRelationship(rels, 'docProps/custom.xml');
    expect(once).toContain(
      '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>',
    );
    expect(customPropertiesTarget(once)).toBe('docProps/custom.xml');
    expect(ensureCustomRelationship(once, 'docProps/custom.xml')).toBe(once);
  });

  it('resolves targets against the package root', () => {
    expect(resolveTarget('/docProps/custom.xml')).toBe('docProps/custom.xml');
    expect(resolveTarget('a/../docProps/./custom.xml')).toBe('docProps/custom.xml');
    for (const bad of ['..', '../x', '', 'x?y'])
      expect(catchFormatError(() => resolveTarget(bad))?.code).toBe('format.corrupt');
  });
});
