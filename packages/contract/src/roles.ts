/**
 * Roles and scopes. A key has one role; its scopes are the role's scopes, or a subset
 * chosen when the key is issued (least privilege).
 */
export const ROLES = ['admin', 'operator', 'reviewer', 'compliance', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = [
  'tenants:read',
  'tenants:write',
  'keys:read',
  'keys:write',
  'labels:write',
  'content:read',
  'ledger:read',
] as const;
export type Scope = (typeof SCOPES)[number];

/** What each role may do. `inspector` is read-only by construction: no `:write` scope. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  admin: SCOPES,
  operator: ['tenants:read', 'labels:write', 'content:read'],
  reviewer: ['tenants:read', 'content:read'],
  compliance: ['tenants:read', 'keys:read', 'content:read', 'ledger:read'],
  inspector: ['tenants:read', 'keys:read', 'content:read', 'ledger:read'],
};
