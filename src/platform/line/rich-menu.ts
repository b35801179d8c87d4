import { deflateSync } from 'node:zlib';
import type { messagingApi } from '@line/bot-sdk';
import { encodePostback, type MenuAction } from './postback';

// LINE accepts 800–2500 wide with width/height ≥ 1.45; the compact 2500×843 layout at
// 1200×405 keeps the PNG small and quick to draw (LINE scales it).
export const RICH_MENU_WIDTH = 1200;
export const RICH_MENU_HEIGHT = 405;
const SCALE = RICH_MENU_HEIGHT / 843;

const BUTTONS: { action: MenuAction; label: string; colour: [number, number, number] }[] = [
  { action: 'report', label: '今すぐ報告', colour: [0x2e, 0x7d, 0x32] },
  { action: 'records', label: '記録を見る', colour: [0x15, 0x65, 0xc0] },
  { action: 'contact', label: '保健所に連絡', colour: [0xe6, 0x51, 0x00] },
];

/**
 * The rich menu: three equal buttons (今すぐ報告 / 記録を見る / 保健所に連絡) sending the
 * same postbacks as the quick replies (a=report …), so one handler serves both. The
 * display text puts the Japanese words in the chat, which also works as typed keywords.
 */
export function richMenuDefinition(): messagingApi.RichMenuRequest {
  const w = Math.floor(RICH_MENU_WIDTH / BUTTONS.length);
  return {
    size: { width: RICH_MENU_WIDTH, height: RICH_MENU_HEIGHT },
    selected: true,
    name: 'mimamori-main',
    chatBarText: 'メニュー / Menu',
    areas: BUTTONS.map((b, i) => ({
      bounds: { x: i * w, y: 0, width: i === BUTTONS.length - 1 ? RICH_MENU_WIDTH - i * w : w, height: RICH_MENU_HEIGHT },
      action: { type: 'postback', label: b.label, data: encodePostback({ kind: 'menu', action: b.action }), displayText: b.label },
    })),
  };
}

/** Distance from p to segment a–b (for drawing thick strokes). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** White pictograms, one per button: a check mark (report), bars (records), a building (health centre; not a cross, which is a protected emblem). */
function pictogram(index: number, x: number, y: number): boolean {
  if (index === 0) return segmentDistance(x, y, -150, 0, -40, 120) < 34 || segmentDistance(x, y, -40, 120, 170, -140) < 34;
  if (index === 1) return (x > -170 && x < -90 && y > 20 && y < 160) || (x > -40 && x < 40 && y > -60 && y < 160) || (x > 90 && x < 170 && y > -150 && y < 160);
  const roof = y > -170 && y < -30 && Math.abs(x) < (y + 170) * 1.3;
  const body = Math.abs(x) < 130 && y >= -30 && y < 160 && !(Math.abs(x) < 35 && y > 60);
  return roof || body;
}

/**
 * A plain PNG for the menu, drawn in code so the CLI needs no design file or font: three
 * coloured panels with white pictograms. A health centre can pass its own designed image
 * (with the words) to the CLI instead.
 */
export function richMenuPng(): Buffer {
  const w = RICH_MENU_WIDTH;
  const h = RICH_MENU_HEIGHT;
  const panel = w / BUTTONS.length;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const i = Math.min(BUTTONS.length - 1, Math.floor(x / panel));
      const edge = x - i * panel < 2 && i > 0;
      const dx = (x - (i + 0.5) * panel) / SCALE;
      const dy = (y - h / 2) / SCALE;
      const white = edge || (Math.abs(dx) < 220 && Math.abs(dy) < 220 && pictogram(i, dx, dy));
      const [r, g, b] = white ? [255, 255, 255] : BUTTONS[i]!.colour;
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
