/** The database's own words for a failed query: drizzle wraps them in `cause`. */
export async function dbRejection(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (err) {
    const parts: string[] = [];
    for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
      const x = e as { message?: string; constraint_name?: string; constraint?: string };
      parts.push(x.message ?? '', x.constraint_name ?? x.constraint ?? '');
    }
    return parts.filter(Boolean).join(' | ');
  }
  throw new Error('expected the query to be refused');
}
