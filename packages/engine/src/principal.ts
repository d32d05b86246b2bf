import type { Role, Scope } from '@synthguard/contract';
import { EngineError } from './errors.js';

/** Who is calling: an authenticated API key, or the local operator at the CLI. */
export interface Principal {
  /** Key id, or 'cli' for the local operator who holds the data directory. */
  readonly actor: string;
  /** null for installation-wide keys (and the CLI): they act on a tenant named per request. */
  readonly tenantId: string | null;
  readonly role: Role;
  readonly scopes: ReadonlySet<Scope>;
}

/** Throws auth.forbidden unless the principal holds `scope`. */
export function authorize(principal: Principal, scope: Scope): void {
  if (!principal.scopes.has(scope)) {
    throw new EngineError('auth.forbidden', `This key lacks the scope ${scope}.`, {
      details: { requiredScope: scope },
    });
  }
}

/**
 * The tenant a request acts on. Tenant-bound keys act on their own tenant only (tenant
 * isolation); installation-wide keys must name one.
 */
export function resolveTenantId(principal: Principal, requested: string | undefined): string {
  if (principal.tenantId !== null) {
    if (requested !== undefined && requested !== principal.tenantId) {
      throw new EngineError('auth.forbidden', 'This key belongs to another tenant.');
    }
    return principal.tenantId;
  }
  if (requested === undefined) {
    throw new EngineError('tenant.required', 'Installation-wide keys must name the tenant to act on.');
  }
  return requested;
}
