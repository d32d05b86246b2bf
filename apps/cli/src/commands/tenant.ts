import { createTenant, localOperator, tenantDto } from '@synthguard/engine';
import type { Command } from 'commander';
import { emit } from '../output.js';
import { type StoreOptions, withRuntime } from '../runtime.js';

export function tenantCommand(program: Command): void {
  const tenant = program.command('tenant').description('provider organisations (tenants)');
  tenant
    .command('create')
    .description('register a provider organisation')
    .requiredOption('--name <name>', 'legal name')
    .requiredOption('--uscc <code>', 'unified social credit code (18 characters)')
    .option(
      '--provider-code <code>',
      'TC260 provider code (27 characters); derived from the USCC when omitted',
    )
    .option('--service-code <code>', 'service code used when deriving the provider code')
    .option('--filing <number...>', 'algorithm filing numbers (网信算备…号)')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: {
          name: string;
          uscc: string;
          providerCode?: string;
          serviceCode?: string;
          filing?: string[];
          json?: boolean;
        },
        cmd: Command,
      ) => {
        await withRuntime(cmd.optsWithGlobals<StoreOptions>(), async (rt) => {
          const t = tenantDto(
            await createTenant(
              rt.store,
              {
                name: opts.name,
                uscc: opts.uscc,
                providerCode: opts.providerCode,
                serviceCode: opts.serviceCode,
                filingNumbers: opts.filing ?? [],
              },
              rt.clock,
              rt.recorder,
              localOperator.actor,
            ),
          );
          emit(
            opts.json === true,
            t,
            () => `tenant ${t.id}: ${t.name}\nprovider code (ContentProducer): ${t.providerCode}`,
          );
        });
      },
    );
  tenant
    .command('list')
    .description('list tenants')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(cmd.optsWithGlobals<StoreOptions>(), async (rt) => {
        const items = (await rt.store.tenants.list()).map(tenantDto);
        emit(opts.json === true, { items }, () =>
          items.length === 0
            ? 'no tenants'
            : items.map((t) => `${t.id}  ${t.providerCode}  ${t.uscc}  ${t.name}`).join('\n'),
        );
      });
    });
}
