#!/usr/bin/env node
// Fails when a workspace package imports against the allowed direction.
// Dependencies point down and inward: core <- libraries <- engine <- apps; console sees only contract.
// Every import of a workspace package must also be declared in package.json and tsconfig references,
// and no file may reach into another package by relative path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which workspace packages each package may import. */
export const ALLOWED = {
  core: [],
  contract: [],
  formats: ['core'],
  labels: ['core', 'formats'],
  c2pa: ['core'],
  store: ['core'],
  ledger: ['core'],
  engine: ['core', 'contract', 'formats', 'labels', 'store', 'c2pa', 'ledger'],
  server: ['core', 'contract', 'engine', 'formats', 'labels', 'store', 'c2pa', 'ledger'],
  cli: ['core', 'contract', 'engine', 'formats', 'labels', 'store', 'c2pa', 'ledger'],
  console: ['contract'],
};

const IMPORT =
  /(?:^|[^\w.])(?:import|export)\s*(?:[\w*{}\s,]+from\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

/** Returns a list of human-readable violations for the workspace at `root`. */
export function checkDependencies(root, allowed = ALLOWED) {
  const violations = [];
  const packages = [];
  for (const group of ['packages', 'apps']) {
    let names = [];
    try {
      names = readdirSync(join(root, group));
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = join(root, group, name);
      try {
        statSync(join(dir, 'package.json'));
      } catch {
        continue;
      }
      packages.push({ name, dir });
    }
  }
  for (const { name, dir } of packages) {
    const rules = allowed[name];
    if (rules === undefined) {
      violations.push(`${name}: not in the layering table (scripts/check-deps.mjs ALLOWED)`);
      continue;
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }));
    let refs = [];
    try {
      const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
      refs = (tsconfig.references ?? []).map((r) => resolve(dir, r.path).split(sep).pop());
    } catch {
      // no tsconfig: nothing to compare
    }
    const srcDir = join(dir, 'src');
    let files = [];
    try {
      files = [...sourceFiles(srcDir)];
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const where = relative(root, file);
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2];
        if (spec === undefined) continue;
        const ws = /^@synthguard\/([^/]+)(\/.*)?$/.exec(spec);
        if (ws !== null) {
          const target = ws[1];
          if (target === name) violations.push(`${where}: imports its own package ${spec}`);
          else if (!rules.includes(target)) violations.push(`${where}: ${name} may not import ${spec}`);
          else {
            if (ws[2] !== undefined)
              violations.push(`${where}: deep import ${spec}; use the package's index`);
            if (!declared.has(`@synthguard/${target}`))
              violations.push(`${where}: imports ${spec} but ${name}/package.json does not declare it`);
            if (!refs.includes(target))
              violations.push(`${where}: imports ${spec} but ${name}/tsconfig.json has no reference to it`);
          }
        } else if (spec.startsWith('.')) {
          const target = resolve(file, '..', spec);
          if (!target.startsWith(dir + sep))
            violations.push(`${where}: relative import ${spec} leaves the package`);
        }
      }
    }
  }
  return violations;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '..', '..');
  const violations = checkDependencies(root);
  if (violations.length > 0) {
    console.error(`Dependency direction violated (${violations.length}):`);
    for (const v of violations) console.error(`  ${v}`);
    process.exit(1);
  }
  console.log('Dependency direction: ok');
}
