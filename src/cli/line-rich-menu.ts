import { readFile } from 'node:fs/promises';
import { messagingApi } from '@line/bot-sdk';
import { richMenuDefinition, richMenuPng } from '../platform/line/rich-menu';
import { CliUsageError, type CliCommand } from './command';

/** Images go to api-data.line.me; a local stand-in (LINE_API_BASE_URL) serves both. */
export function lineDataBaseUrl(apiBase: string): string {
  return apiBase.replace(/\/+$/, '') === 'https://api.line.me' ? 'https://api-data.line.me' : apiBase;
}

/**
 * Create the rich menu (今すぐ報告 / 記録を見る / 保健所に連絡), upload its image and make it
 * every user's default — done by this command, never by hand in the LINE console, so
 * every environment gets the same menu.
 */
export const lineRichMenuCommand: CliCommand = {
  name: 'line-rich-menu',
  summary: 'create the LINE rich menu (今すぐ報告 / 記録を見る / 保健所に連絡) and set it as the default',
  usage: 'line-rich-menu [--image menu.png] [--dry-run]',
  async run(args, deps, out) {
    const definition = richMenuDefinition();
    if (args.flags['dry-run']) {
      out(JSON.stringify(definition, null, 2));
      return;
    }
    const token = deps.env.LINE_CHANNEL_ACCESS_TOKEN;
    if (!token) throw new CliUsageError('LINE_CHANNEL_ACCESS_TOKEN is not set: LINE is not configured');
    const imagePath = args.flags.image;
    if (imagePath === true) throw new CliUsageError('--image needs a file path (PNG or JPEG, 2500×843)');
    const image = imagePath ? await readFile(imagePath) : richMenuPng();
    const type = imagePath && /\.jpe?g$/i.test(imagePath) ? 'image/jpeg' : 'image/png';
    if (image.length > 1024 * 1024) throw new CliUsageError('the rich menu image must be at most 1 MB');
    const api = new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL: deps.env.LINE_API_BASE_URL });
    const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: token, baseURL: lineDataBaseUrl(deps.env.LINE_API_BASE_URL) });
    const { richMenuId } = await api.createRichMenu(definition);
    await blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(image)], { type }));
    await api.setDefaultRichMenu(richMenuId);
    out(`rich menu ${richMenuId} created and set as the default (${image.length} byte image)`);
  },
};
