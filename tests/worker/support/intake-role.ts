import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { ADMIN_URL } from '../../support/pg';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The role statements wrangler.toml documents for the Worker's Hyperdrive connection, verbatim. */
export function documentedIntakeGrants(): string[] {
  const toml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  const statements = [...toml.matchAll(/^#\s+((?:CREATE ROLE|GRANT) .*;)\s*$/gm)].map((m) => m[1]!);
  if (!statements.some((s) => s.startsWith('CREATE ROLE mimamori_intake '))) throw new Error('wrangler.toml documents no CREATE ROLE mimamori_intake');
  return statements;
}

export interface IntakeRole {
  name: string;
  /** The test database's URL, logged in as the role. */
  url: string;
  drop(): Promise<void>;
}

/**
 * The least-privilege role of wrangler.toml, created in a test database by running exactly
 * the documented statements (the role and database names swapped for unique ones: roles
 * are cluster-wide and files run in parallel). The test PostgreSQL trusts local logins, so
 * the password is never checked, but the role's rights are.
 */
export async function createIntakeRole(databaseUrl: string): Promise<IntakeRole> {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  const name = `mimamori_intake_${randomBytes(4).toString('hex')}`;
  const rename = (s: string) => s.replace(/\bmimamori_intake\b/g, name).replace(/ON DATABASE mimamori\b/, `ON DATABASE ${database}`);
  const owner = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    for (const statement of documentedIntakeGrants()) await owner.unsafe(rename(statement));
  } finally {
    await owner.end();
  }
  url.username = name;
  url.password = 'choose-a-long-random-password';
  return {
    name,
    url: url.toString(),
    async drop() {
      // After the test database is gone (its grants go with it), only the role remains.
      const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop role if exists ${name}`).finally(() => admin.end());
    },
  };
}
