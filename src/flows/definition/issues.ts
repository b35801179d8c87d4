/**
 * A problem found in a flow definition, pointing at the node and field
 * (`nodes.temp.next`, `rules[2].gte`) so the console can underline it.
 */
export interface FlowIssue {
  path: string;
  code: string;
  message: { ja: string; en: string };
}

export function issue(path: string, code: string, ja: string, en: string): FlowIssue {
  return { path, code, message: { ja, en } };
}
