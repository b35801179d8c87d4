import type { Actor } from '../../domain/context';
import type { Lang } from '../ui/i18n';

/** The staff Actor (never system/patient) the console and API act as. */
export type StaffActor = Extract<Actor, { kind: 'staff' }>;

/**
 * Hono Variables every console and API route can read once staffAuth has run:
 * `c.get('actor')`, `c.get('lang')`, `c.get('csrfToken')` (empty for bearer tokens).
 */
export interface AdminVariables {
  actor: StaffActor;
  lang: Lang;
  csrfToken: string;
  /** The console session's key (sha256 of the cookie); absent for bearer tokens. */
  sessionKey?: string;
  /** The staff user's display name, for the layout. */
  displayName: string;
  requestId: string;
}

export type AdminEnv = { Variables: AdminVariables };

/** A route handler's context after staffAuth (any path). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AdminContext = import('hono').Context<AdminEnv, any>;
