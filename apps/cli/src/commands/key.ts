import { ROLES, type Role, SCOPES, type Scope } from '@synthguard/contract';
import { apiKeyDto, issueApiKeyAs, localOperator, revokeApiKey } from '@synthguard/engine';
import { type Command, Option } from 'commander';
import { CliError } from '../errors.js';
import { emit } from '../output.js';
import { type StoreOptions, withRuntime } from '../runtime.js';

export function keyCommand(program: Command): void {
  const key = program.command('key').description('API keys');
  key
    .command('create')
    .description('issue an API key (the secret is printed once)')
    .requiredOption('--name <name>', 'what the key is for')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
    .option('--tenant <id>', 'tenant the key belongs to (omit for an installation-wide key)')
    .addOption(
      new Option('--scope <scope...>', "restrict to these scopes (default: all of the role's)").choices(
        SCOPES,
      ),
    )
    .option('--json', 'print JSON')
    .action(
      async (
        opts: { name: string; role: Role; tenant?: string; scope?: Scope[]; json?: boolean },
        cmd: Command,
      ) => {
        await withRuntime(cmd.optsWithGlobals<StoreOptions>(), async (rt) => {
          const issued = await issueApiKeyAs(
            rt.store,
            localOperator,
            { name: opts.name, role: opts.role, tenantId: opts.tenant ?? null, scopes: opts.scope },
            rt.clock,
            rt.recorder,
          );
          emit(opts.json === true, { ...apiKeyDto(issued.key), secret: issued.token }, () =>
            [`key ${issued.key.id} (${issued.key.role})`, `secret (shown once): ${issued.token}`].join('\n'),
          );
        });
      },
    );
  key
    .command('list')
    .description('list keys of a tenant, or installation-wide keys')
    .option('--tenant <id>', 'tenant')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      await withRuntime(cmd.optsWithGlobals<StoreOptions>(), async (rt) => {
        const items = (await rt.store.apiKeys.listByTenant(opts.tenant ?? null)).map(apiKeyDto);
        emit(
          opts.json === true,
          { items },
          () =>
            items
              .map(
                (k) =>
                  `${k.id}  ${k.role.padEnd(10)} ${k.revokedAt === null ? 'active ' : 'revoked'}  ${k.name}`,
              )
              .join('\n') || 'no keys',
        );
      });
    });
  key
    .command('revoke')
    .description('revoke a key')
    .argument('<id>', 'key id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(cmd.optsWithGlobals<StoreOptions>(), async (rt) => {
        const k = apiKeyDto(await revokeApiKey(rt.store, localOperator, id, rt.clock, rt.recorder));
        if (k.revokedAt === null) throw new CliError('cli.internal', 'revocation did not take');
        emit(opts.json === true, k, () => `key ${k.id} revoked at ${k.revokedAt ?? ''}`);
      });
    });
}
