import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { richMenuDefinition, richMenuPng, RICH_MENU_HEIGHT, RICH_MENU_WIDTH } from '../../../src/platform/line/rich-menu';
import { parsePostback } from '../../../src/platform/line/postback';
import { lineDataBaseUrl, lineRichMenuCommand } from '../../../src/cli/line-rich-menu';
import { parseEnv } from '../../../src/config/env';
import type { Deps } from '../../../src/deps';
import { createLineApiMock } from '../../support/line-api-mock';

const line = createLineApiMock();
const png = richMenuPng();
beforeAll(() => line.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => line.server.close());

describe('LINE rich menu (CLI)', () => {
  it('defines three buttons covering the menu, each sending a menu postback', () => {
    const def = richMenuDefinition();
    expect(def.areas?.map((a) => (a.action as { label: string }).label)).toEqual(['今すぐ報告', '記録を見る', '保健所に連絡']);
    expect(def.areas?.map((a) => parsePostback((a.action as { data: string }).data))).toEqual([
      { kind: 'menu', action: 'report' },
      { kind: 'menu', action: 'records' },
      { kind: 'menu', action: 'contact' },
    ]);
    expect(def.areas?.reduce((w, a) => w + a.bounds!.width!, 0)).toBe(RICH_MENU_WIDTH);
  });

  it('draws a valid PNG of the declared size under LINE’s 1 MB limit', () => {
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(RICH_MENU_WIDTH);
    expect(png.readUInt32BE(20)).toBe(RICH_MENU_HEIGHT);
    expect(png.length).toBeLessThan(1024 * 1024);
    const idatLength = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe((RICH_MENU_WIDTH * 3 + 1) * RICH_MENU_HEIGHT);
  });

  it('creates the menu, uploads its image and sets it as the default through the API', async () => {
    const env = parseEnv({ NODE_ENV: 'test', LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 'tok', LINE_API_BASE_URL: 'https://line-api.test' });
    const out: string[] = [];
    await lineRichMenuCommand.run({ positional: [], flags: {} }, { env } as Deps, (l) => out.push(l));
    expect(line.calls.map((c) => c.endpoint)).toEqual(['richmenu', 'richmenu-image', 'richmenu-default']);
    const id = line.calls[1]!.path.split('/')[4];
    expect(id).toMatch(/^richmenu-/);
    expect(line.calls[2]!.path).toBe(`/v2/bot/user/all/richmenu/${id}`);
    expect(line.calls[1]!.body).toBe(png.length);
    expect(line.calls.every((c) => c.authorization === 'Bearer tok')).toBe(true);
    expect(out.join('\n')).toContain(`rich menu ${id} created`);
    expect(lineDataBaseUrl('https://api.line.me')).toBe('https://api-data.line.me');
  });

  it('refuses to run without LINE settings', async () => {
    const env = parseEnv({ NODE_ENV: 'test' });
    await expect(lineRichMenuCommand.run({ positional: [], flags: {} }, { env } as Deps, () => {})).rejects.toThrow(/LINE_CHANNEL_ACCESS_TOKEN/);
  });
});
