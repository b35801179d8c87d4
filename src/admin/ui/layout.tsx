import type { Child } from 'hono/jsx';
import type { StaffActor } from '../auth/types';
import { labelOr, t, type Lang } from './i18n';

export type NavKey = 'triage' | 'persons' | 'caseload' | 'imports' | 'notifications' | 'flows' | 'reports' | 'audit' | 'staff' | 'centres' | 'institutions' | 'retention' | 'fhir' | 'account' | 'oncall' | 'facilities' | 'facilityRounds';

const NAV: { key: NavKey; href: string; label: string; minRank?: number }[] = [
  { key: 'triage', href: '/admin', label: 'nav.triage' },
  { key: 'persons', href: '/admin/persons', label: 'nav.persons' },
  { key: 'caseload', href: '/admin/caseload', label: 'nav.caseload', minRank: 1 },
  { key: 'notifications', href: '/admin/notifications', label: 'nav.notifications' },
  { key: 'imports', href: '/admin/imports', label: 'nav.imports', minRank: 1 },
  { key: 'facilities', href: '/admin/facilities', label: 'nav.facilities', minRank: 1 },
  { key: 'flows', href: '/admin/flows', label: 'nav.flows' },
  { key: 'reports', href: '/admin/reports', label: 'nav.reports' },
  { key: 'oncall', href: '/admin/on-call', label: 'nav.oncall', minRank: 1 },
  { key: 'audit', href: '/admin/audit', label: 'nav.audit', minRank: 2 },
  { key: 'staff', href: '/admin/staff', label: 'nav.staff', minRank: 2 },
  { key: 'centres', href: '/admin/centres', label: 'nav.centres', minRank: 2 },
  { key: 'institutions', href: '/admin/institutions', label: 'nav.institutions', minRank: 2 },
  { key: 'retention', href: '/admin/retention', label: 'nav.retention', minRank: 2 },
  { key: 'fhir', href: '/admin/fhir-clients', label: 'nav.fhir', minRank: 3 },
];

const RANK: Record<StaffActor['role'], number> = { facility_reporter: -1, clinician: 0, nurse: 1, centre_admin: 2, prefecture_officer: 3, national_officer: 4 };

/** A facility's account sees one entry: its round pages (and no account page: it has no second factor or tokens to manage). */
const FACILITY_NAV = { key: 'facilityRounds' as const, href: '/admin/facility-rounds', label: 'nav.facilityRounds' };

export interface LayoutProps {
  title: string;
  actor: StaffActor | null;
  lang: Lang;
  /** The session's CSRF token: put in a <meta> for scripts and in every form as _csrf. */
  csrf: string;
  active?: NavKey;
  userName?: string;
  /** Extra script files under /admin/assets/ (no inline scripts: the CSP forbids them). */
  scripts?: string[];
  /** Extra style sheets under /admin/assets/. */
  styles?: string[];
  children?: Child;
}

/**
 * The console page frame: header with navigation, language switch and sign-out; every
 * asset served by the app itself (/admin/assets/…).
 * @example <Layout title="トリアージ" actor={actor} lang="ja" csrf={token} active="triage">…</Layout>
 */
export function Layout(props: LayoutProps) {
  const { lang, actor } = props;
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={props.csrf} />
        <meta name="lang" content={lang} />
        <title>{`${props.title} — ${t(lang, 'app.name')}`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/admin/assets/app.css" />
        {(props.styles ?? []).map((s) => (
          <link rel="stylesheet" href={`/admin/assets/${s}`} />
        ))}
        <script src="/admin/assets/app.js" defer></script>
        {(props.scripts ?? []).map((s) => (
          <script src={`/admin/assets/${s}`} defer></script>
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          {t(lang, 'nav.skip')}
        </a>
        <header class="top">
          <a class="brand" href="/admin">
            {t(lang, 'app.name')}
          </a>
          {actor && (
            <nav aria-label="main">
              {(actor.role === 'facility_reporter' ? [FACILITY_NAV] : NAV.filter((n) => (n.minRank ?? 0) <= RANK[actor.role])).map((n) => (
                <a href={n.href} aria-current={props.active === n.key ? 'page' : undefined}>
                  {t(lang, n.label)}
                </a>
              ))}
            </nav>
          )}
          <div class="who">
            <a class="lang" href={`/admin/lang/${other}`} lang={other} hreflang={other}>
              {t(lang, 'lang.switch')}
            </a>
            {actor && (
              <>
                {actor.role === 'facility_reporter' ? (
                  <span>
                    {props.userName}
                    <small> ({t(lang, `role.${actor.role}`)})</small>
                  </span>
                ) : (
                <a href="/admin/account" aria-current={props.active === 'account' ? 'page' : undefined}>
                  {props.userName ?? t(lang, 'nav.account')}
                  <small> ({t(lang, `role.${actor.role}`)})</small>
                </a>
                )}
                <form method="post" action="/admin/logout" class="inline">
                  <input type="hidden" name="_csrf" value={props.csrf} />
                  <button type="submit" class="link">
                    {t(lang, 'nav.logout')}
                  </button>
                </form>
              </>
            )}
          </div>
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A form field's words for an error summary ("phone" → 電話番号), or null when it has none (then no raw key is shown). */
function fieldLabel(lang: Lang, field: string): string | null {
  const name = field.split('.')[0]!;
  for (const prefix of ['field', 'test', 'contact']) {
    const label = labelOr(lang, prefix, name);
    if (label !== name) return label;
  }
  return null;
}

/** Field errors of a ValidationError, shown next to the form (and at each field by FieldError). */
export function ErrorSummary(props: { lang: Lang; errors: { field: string; message: string; messageJa?: string }[] }) {
  if (!props.errors.length) return null;
  return (
    <div class="error-summary" role="alert">
      <p>{t(props.lang, 'common.error')}</p>
      <ul>
        {props.errors.map((e) => (
          <li data-field={e.field}>
            {fieldLabel(props.lang, e.field) && `${fieldLabel(props.lang, e.field)}: `}
            {props.lang === 'ja' && e.messageJa ? e.messageJa : e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
