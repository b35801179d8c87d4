/**
 * Layer problems that existed when the layer test was written (issue 14), each with why it
 * is still here. The layer test fails on any problem not listed, and on a listed one that
 * no longer exists: fix one, remove its line. Never add a line for new code.
 */
export const KNOWN_PROBLEMS: Record<string, string> = {};
