import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type TestApp, buildTestApp } from './build.js';

/**
 * GB 45438-2025 Annex E: the seven keys of the AIGC value, in this order. Written out here,
 * independently of the product's own constant, so the interop tests check the standard.
 */
export const GB45438_KEYS = [
  'Label',
  'ContentProducer',
  'ProduceID',
  'ReservedCode1',
  'ContentPropagator',
  'PropagateID',
  'ReservedCode2',
] as const;

/**
 * The version line of a Debian tool an interop test needs, or undefined when it is missing.
 * With SYNTHGUARD_REQUIRE_INTEROP=1 (CI) a missing tool fails the test file; otherwise the
 * file is skipped with a visible notice that says how to install the tool.
 */
export function requireInteropTool(
  command: string,
  versionArgs: readonly string[],
  debianPackage: string,
  testFile: string,
): string | undefined {
  try {
    return execFileSync(command, versionArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]!
      .trim();
  } catch {
    if (process.env.SYNTHGUARD_REQUIRE_INTEROP === '1') {
      throw new Error(
        `${command} is required (SYNTHGUARD_REQUIRE_INTEROP=1): apt-get install ${debianPackage}`,
      );
    }
    console.warn(`${command} not installed: skipping ${testFile}; apt-get install ${debianPackage}`);
    return undefined;
  }
}

export interface InteropWorkspace {
  /** Temporary directory for inputs and outputs, removed after the file's tests. */
  readonly dir: string;
  /** The labeling app (in-memory store, a tenant, an operator key); set once `beforeAll` ran. */
  app(): TestApp;
}

/** Registers the app and temporary directory an interop test file needs, when `enabled`. */
export function useInteropWorkspace(
  prefix: string,
  enabled: boolean,
  maxUploadBytes: number,
): InteropWorkspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let t: TestApp | undefined;
  beforeAll(async () => {
    if (enabled) t = await buildTestApp({ maxUploadBytes });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    app: () => {
      if (t === undefined) throw new Error('interop workspace: the app is not built (tool missing?)');
      return t;
    },
  };
}
