import { type TenantCreate, schemas } from '@synthguard/contract';
import { type Clock, isAppError, newUlid, systemClock, usccProblem } from '@synthguard/core';
import { deriveProviderCode, isValidProviderCode, parseProviderCode } from '@synthguard/labels';
import type { Store, Tenant } from '@synthguard/store';
import { EngineError } from './errors.js';
import { parseInput } from './input.js';
import type { LedgerRecorder } from './ledger/record.js';

/**
 * Registers a provider organisation. The USCC is checked with its GB 32100-2015 check
 * character; the provider code (TC260-PG-20252A) is validated, or derived from the USCC.
 * With `ledger`, the tenant and its admin.action record commit together (`actor`: who asked).
 */
export async function createTenant(
  store: Store,
  input: TenantCreate,
  clock: Clock = systemClock,
  ledger?: LedgerRecorder,
  actor: string | null = null,
): Promise<Tenant> {
  const req = parseInput(schemas.TenantCreate, input);
  const problem = usccProblem(req.uscc);
  if (problem !== undefined) {
    throw new EngineError('tenant.invalid_uscc', `The unified social credit code is invalid (${problem}).`, {
      details: { field: 'uscc', problem },
    });
  }
  let providerCode: string;
  if (req.providerCode !== undefined) {
    if (!isValidProviderCode(req.providerCode)) {
      throw new EngineError(
        'tenant.invalid_provider_code',
        'The provider code is not a valid TC260 provider code.',
        {
          details: { field: 'providerCode' },
        },
      );
    }
    if (parseProviderCode(req.providerCode).uscc !== req.uscc) {
      throw new EngineError('tenant.invalid_provider_code', 'The provider code names a different USCC.', {
        details: { field: 'providerCode' },
      });
    }
    providerCode = req.providerCode;
  } else {
    providerCode = deriveProviderCode(
      req.uscc,
      req.serviceCode === undefined ? {} : { serviceCode: req.serviceCode },
    );
  }
  const create = (db: Store): Promise<Tenant> =>
    db.tenants.create({
      id: `t_${newUlid(clock.now()).toLowerCase()}`,
      name: req.name,
      uscc: req.uscc,
      providerCode,
      filingNumbers: req.filingNumbers,
      createdAt: clock.now(),
    });
  try {
    if (ledger === undefined) return await create(store);
    return await store.transaction(async (tx) => {
      const tenant = await create(tx);
      // A legal entity's registered codes are public; its name is left to the tenant row.
      await ledger.record(
        {
          type: 'admin.action',
          tenantId: tenant.id,
          facts: {
            action: 'tenant.created',
            actor,
            uscc: tenant.uscc,
            providerCode: tenant.providerCode,
            filingNumbers: [...tenant.filingNumbers],
          },
        },
        { store: tx },
      );
      return tenant;
    });
  } catch (err) {
    if (isAppError(err, 'store.conflict')) {
      throw new EngineError(
        'tenant.exists',
        'A tenant with this unified social credit code already exists.',
        {
          cause: err,
          details: { field: 'uscc' },
        },
      );
    }
    throw err;
  }
}

export async function requireTenant(store: Store, id: string): Promise<Tenant> {
  const tenant = await store.tenants.get(id);
  if (tenant === undefined) throw new EngineError('tenant.not_found', `No tenant with id ${id}.`);
  return tenant;
}
