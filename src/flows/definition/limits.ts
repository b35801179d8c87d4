import { countSmsSegments, MAX_PROMPT_SEGMENTS, SMS_LIMITS } from '../sms-segments.js';
import { issue, type FlowIssue } from './issues.js';
import type { FlowDefinition } from './schema.js';
import { textsOf } from './translations.js';

/**
 * The channels' own limits on their wordings: an SMS wording (`text.channels.sms.<lang>`)
 * must fit the two segments a prompt may cost (MAX_PROMPT_SEGMENTS: 134 characters of
 * Japanese or any non-Latin script, 306 of plain Latin), or the question would go out as a
 * long, costly message split across parts. Reported per language, at the field.
 *
 * @example { "channels": { "sms": { "ja": "…140 文字…" } } } → nodes.x.text.channels.sms.ja: sms_too_long
 */
export function channelLimitIssues(def: FlowDefinition): FlowIssue[] {
  const out: FlowIssue[] = [];
  for (const { path, text } of textsOf(def)) {
    for (const [lang, wording] of Object.entries(text.channels?.sms ?? {})) {
      if (typeof wording !== 'string') continue;
      const count = countSmsSegments(wording);
      if (count.segments <= MAX_PROMPT_SEGMENTS) continue;
      const limit = MAX_PROMPT_SEGMENTS * SMS_LIMITS[count.encoding].part;
      out.push(
        issue(
          `${path}.channels.sms.${lang}`,
          'sms_too_long',
          `SMS用の文言が長すぎます（${count.units}文字、SMS ${count.segments}通分）。${count.encoding === 'ucs2' ? '日本語など' : '英数字のみ'}では${limit}文字（${MAX_PROMPT_SEGMENTS}通）以内にしてください`,
          `The SMS wording is too long (${count.units} characters, ${count.segments} SMS parts): keep it within ${limit} characters (${MAX_PROMPT_SEGMENTS} parts)${count.encoding === 'ucs2' ? ' for Japanese and other non-Latin text' : ''}`,
        ),
      );
    }
  }
  return out;
}
