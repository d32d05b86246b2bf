import { type TenantCreate, schemas } from '@synthguard/contract';
import { type Clock, isAppError, newUlid, systemClock, usccProblem } from '@synthguard/core';
import { deriveProviderCode, isValidProviderCode, parseProviderCode } from '@synthguard/labels';
import type { Store, Tenant } from '@synthguard/store';
import { EngineError } from './errors.js';
import { parseInput } from './input.js';

/**
 * Registers a provider organisation. The USCC is checked with its GB 32100-2015 check
 * character; the provider code (TC260-PG-20252A) is validated, or derived from the USCC.
 */
export async function createTenant(
  store: Store,
  input: TenantCreate,
  clock: Clock = systemClock,
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
  try {
    return await store.tenants.create({
      id: `t_${newUlid(clock.now()).toLowerCase()}`,
      name: req.name,
      uscc: req.uscc,
      providerCode,
      filingNumbers: req.filingNumbers,
      createdAt: clock.now(),
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
