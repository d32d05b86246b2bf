import type { Scope } from '@synthguard/contract';
import { type Principal, authenticate, authorize } from '@synthguard/engine';
import type { Store } from '@synthguard/store';
import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? '';
}

/**
 * An onRequest hook: authenticates before the body is read, so an unauthorised upload is
 * refused without being received, and checks the route's scope.
 */
export function requireScope(store: Store, scope: Scope) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await authenticate(store, bearer(req));
    authorize(principal, scope);
    req.principal = principal;
  };
}

export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === null) throw new Error('route has no auth hook');
  return req.principal;
}
