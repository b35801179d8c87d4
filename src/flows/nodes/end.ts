import type { EndNode } from '../definition/schema.js';
import type { NodeKindSpec } from './kind.js';

/**
 * Ends the check: trend rules run, the closing text (or a default thank-you) is sent.
 *
 * Example: { "type": "end", "text": { "ja": "ご回答ありがとうございました。", "en": "Thank you." } }
 */
export const endNode: NodeKindSpec<EndNode> = {
  type: 'end',
  enter: () => ({ end: true }),
  successors: () => [],
  validate: () => [],
};
