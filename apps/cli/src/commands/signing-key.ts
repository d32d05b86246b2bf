import { requireTenant, signingKeyDto } from '@synthguard/engine';
import { type Command, Option } from 'commander';
import { emit } from '../output.js';
import { type StoreOptions, withRuntime } from '../runtime.js';

/** `synthguard signing-key list|rotate`: the providers' label signing keys (not API keys). */
export function signingKeyCommand(program: Command): void {
  const cmd = program
    .command('signing-key')
    .description('label signing keys (private halves in <data>/signing-keys, mode 0600)');
  cmd
    .command('list')
    .description("a tenant's signing keys, newest first")
    .requiredOption('--tenant <id>', 'tenant')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; json?: boolean }, c: Command) => {
      await withRuntime(c.optsWithGlobals<StoreOptions>(), async (rt) => {
        const tenant = await requireTenant(rt.store, opts.tenant);
        const keys = (await rt.keyring.list(tenant.id)).map((k) =>
          signingKeyDto({ ...k, providerCode: tenant.providerCode }),
        );
        emit(opts.json === true, keys, () =>
          keys.length === 0
            ? 'no signing key yet (one is created when the tenant labels its first file)'
            : keys
                .map((k) => `${k.kid}  ${k.alg.padEnd(8)} ${k.status.padEnd(8)} created ${k.createdAt}`)
                .join('\n'),
        );
      });
    });
  cmd
    .command('rotate')
    .description('create a new active key; the old one is retired and still verifies what it signed')
    .requiredOption('--tenant <id>', 'tenant')
    .addOption(new Option('--alg <alg>', 'signature algorithm').choices(['Ed25519', 'SM2-SM3']))
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; alg?: 'Ed25519' | 'SM2-SM3'; json?: boolean }, c: Command) => {
      await withRuntime(c.optsWithGlobals<StoreOptions>(), async (rt) => {
        const tenant = await requireTenant(rt.store, opts.tenant);
        const key = signingKeyDto({
          ...(await rt.keyring.rotate(tenant.id, opts.alg)),
          providerCode: tenant.providerCode,
        });
        emit(
          opts.json === true,
          key,
          () => `new active signing key ${key.kid} (${key.alg}); the previous key is retired`,
        );
      });
    });
}
