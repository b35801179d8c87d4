import { describe, expect, it } from 'vitest';
import { planDispatch } from '../../src/jobs/enqueue-dispatch';
import { parseQuietHours } from '../../src/domain/rounds/quiet-hours';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const session = (n: number, over: Partial<{ channel: 'line' | 'sms' | 'voice' | 'web'; lang: string; flowVersionId: string; round: string }> = {}) => ({
  id: uuid(n),
  channel: over.channel ?? ('line' as const),
  flowVersionId: over.flowVersionId ?? 'v1',
  round: over.round ?? '09:00',
  localDate: '2026-11-24',
  lang: over.lang ?? 'ja',
});

describe('planDispatch (pure)', () => {
  it('puts LINE sessions that get the same message into multicasts of at most 500, sorted by id', () => {
    const sessions = Array.from({ length: 1001 }, (_, i) => session(1001 - i)); // given in reverse
    const batches = planDispatch(sessions, 'prompt');
    expect(batches.map((b) => b.payload.sessionIds.length)).toEqual([500, 500, 1]);
    expect(batches[0]!.payload.sessionIds[0]).toBe(uuid(1));
    expect(batches[0]!.jobId).toBe(`dispatch:line:prompt:${uuid(1)}:${uuid(500)}:500`);
  });

  it('never mixes languages, flow versions or rounds in one multicast', () => {
    const batches = planDispatch([session(1), session(2, { lang: 'en' }), session(3, { flowVersionId: 'v2' }), session(4, { round: '15:00' }), session(5)], 'prompt');
    expect(batches.map((b) => b.payload.sessionIds.map((id) => Number(id.slice(-2))))).toEqual([[1, 5], [2], [3], [4]]);
  });

  it('gives SMS, calls and web links one job each, with ids from the session and the kind', () => {
    const batches = planDispatch([session(7, { channel: 'sms' }), session(8, { channel: 'voice' }), session(9, { channel: 'web' })], 'reminder', 'reminder1');
    expect(batches.map((b) => b.jobId)).toEqual([`dispatch:sms:reminder1:${uuid(7)}`, `dispatch:voice:reminder1:${uuid(8)}`, `dispatch:web:reminder1:${uuid(9)}`]);
    expect(batches.every((b) => b.payload.kind === 'reminder' && b.payload.sessionIds.length === 1)).toBe(true);
  });

  it('is deterministic: the same sessions give the same jobs', () => {
    const s = Array.from({ length: 40 }, (_, i) => session(i + 1, { channel: i % 3 === 0 ? 'sms' : 'line' }));
    expect(planDispatch([...s].reverse(), 'prompt')).toEqual(planDispatch(s, 'prompt'));
  });

  it('reads quiet hours as local start and end', () => {
    expect(parseQuietHours('21:00-08:00')).toEqual({ start: '21:00', end: '08:00' });
  });
});
