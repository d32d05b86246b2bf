import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDependencies } from './check-deps.mjs';

const check = checkDependencies as (root: string) => string[];

function buildPackage(
  root: string,
  group: string,
  name: string,
  deps: string[],
  files: Record<string, string>,
): void {
  const dir = join(root, group, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const dependencies = Object.fromEntries(deps.map((d) => [`@synthguard/${d}`, '0.1.0']));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@synthguard/${name}`, dependencies }));
  const references = deps.map((d) => ({ path: `../../packages/${d}` }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ references }));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, 'src', f), text);
}

describe('dependency direction check', () => {
  let root = '';
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('passes on this repository', () => {
    expect(check(resolve(import.meta.dirname, '..'))).toEqual([]);
  });

  it('fails when a library imports upward, undeclared, or by relative path', () => {
    root = mkdtempSync(join(tmpdir(), 'sg-deps-'));
    buildPackage(root, 'packages', 'core', [], { 'index.ts': "import { x } from '@synthguard/engine';\n" });
    buildPackage(root, 'packages', 'formats', [], { 'index.ts': "import { y } from '@synthguard/core';\n" });
    buildPackage(root, 'packages', 'labels', ['core'], {
      'index.ts':
        "import { z } from '../../formats/src/index.js';\nexport * from '@synthguard/core/src/bytes.js';\n",
    });
    const v = check(root);
    expect(v).toEqual(
      expect.arrayContaining([
        expect.stringContaining('core may not import @synthguard/engine'),
        expect.stringContaining('formats/package.json does not declare it'),
        expect.stringContaining('leaves the package'),
        expect.stringContaining('deep import'),
      ]),
    );
  });
});
