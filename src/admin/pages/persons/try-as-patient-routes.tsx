import { Hono } from 'hono';
import type { Env } from '../../../config/env';
import type { Deps } from '../../../deps';
import { requestInfo } from '../../auth/request-info';
import { idParam } from '../../auth/run-verb';
import type { AdminEnv } from '../../auth/types';
import { fmtDateTime } from '../../ui/format';
import { Layout } from '../../ui/layout';
import { page } from '../../ui/render';
import { personWebLink } from '../../../domain/web/person-web-link';
import { createTryAsPatientLink } from '../../../domain/web/try-as-patient';

/** Whether the console should offer 「患者として試す」 at all (never in production). */
export function tryAsPatientAvailable(env: Env): boolean {
  return env.NODE_ENV !== 'production';
}

/**
 * POST /admin/try-as-patient/:personId — mounted inside the console's signed-in area, so
 * staffAuth (session + CSRF) has run: starts a web check for the person and sends the
 * browser to its personal link (303).
 */
export function createTryAsPatientRoutes(deps: Deps) {
  return new Hono<AdminEnv>()
    .post('/try-as-patient/:personId', async (c) => {
      const personId = idParam(c, 'personId', 'person');
      const link = await createTryAsPatientLink(deps, c.get('actor'), personId, requestInfo(c));
      return c.redirect(link.path, 303);
    })
    // The QR code is shown on the page that answers the POST: the link never sits in a console URL.
    .post('/persons/:personId/web-link', async (c) => {
      const personId = idParam(c, 'personId', 'person');
      const link = await personWebLink(deps, c.get('actor'), personId, requestInfo(c));
      const lang = c.get('lang');
      const en = lang === 'en';
      const title = en ? 'Web check link (QR code)' : 'Web健康観察のリンク（QRコード）';
      return page(
        c,
        <Layout title={title} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active="persons" userName={c.get('displayName')}>
          <h1>{title}</h1>
          <div class="qr" id="web-link">
            <img src={link.qrDataUrl} alt={title} width={240} height={240} id="web-link-qr" />
          </div>
          <p>
            {en
              ? `The person scans this with their phone to answer ${link.started ? 'a check started now' : 'their open check'}. It works for this check only, until ${fmtDateTime(link.expiresAt, lang)}, and contains no personal data.`
              : `対象者がスマートフォンで読み取ると、${link.started ? '今はじめた' : '回答受付中の'}健康観察に回答できます。この回の健康観察だけに使え、受付終了（${fmtDateTime(link.expiresAt, lang)}）まで有効です。個人情報は含まれません。`}
          </p>
          <p>
            <a href={`/admin/persons/${personId}`}>{en ? 'Back' : '戻る'}</a>
          </p>
        </Layout>,
      );
    });
}

/**
 * The button for the person page: a form posting to the route above with the console's
 * CSRF token. It opens the patient's page in a new tab so the console stays open for the
 * triage screen.
 * @example <TryAsPatientButton personId={p.id} csrf={c.get('csrfToken')} lang={lang} />
 */
export function TryAsPatientButton(props: { personId: string; csrf: string; lang: 'ja' | 'en' }) {
  return (
    <form method="post" action={`/admin/try-as-patient/${props.personId}`} target="_blank" class="try-as-patient">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" class="secondary" id="try-as-patient">{props.lang === 'en' ? 'Try as the patient (web check)' : '患者として試す（Web健康観察）'}</button>
    </form>
  );
}

/** 「Webリンク（QR）」: shows the person's current check link as a QR code (allowed in production). */
export function WebLinkQrButton(props: { personId: string; csrf: string; lang: 'ja' | 'en' }) {
  return (
    <form method="post" action={`/admin/persons/${props.personId}/web-link`} class="web-link-qr">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" class="secondary" id="web-link-qr-button">{props.lang === 'en' ? 'Web check link (QR)' : 'Web健康観察リンク（QR）'}</button>
    </form>
  );
}
