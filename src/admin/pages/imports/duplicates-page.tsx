import type { StaffActor } from '../../auth/types';
import { t, type Lang } from '../../ui/i18n';
import { displayPhone } from '../../ui/phone';
import { Layout } from '../../ui/layout';

interface Summary {
  id: string;
  caseNumber: string;
  name: string;
  nameKana: string | null;
  dateOfBirth: string | null;
  phone: string | null;
  address: string | null;
}

function Who(props: { p: Summary }) {
  const p = props.p;
  return (
    <>
      <a href={`/admin/persons/${p.id}`}>{p.name}</a>
      <br />
      <small>{[p.nameKana, p.caseNumber, p.dateOfBirth, displayPhone(p.phone), p.address].filter(Boolean).join(' ／ ')}</small>
    </>
  );
}

/** /admin/imports/:id/duplicates — each pair with 「統合する」 and 「別人として残す」. */
export function DuplicatesPage(props: { lang: Lang; actor: StaffActor; csrf: string; userName?: string; importId: string; duplicates: { id: string; reasons: string[]; person: Summary; candidate: Summary }[] }) {
  const { lang } = props;
  return (
    <Layout title={t(lang, 'imports.duplicates')} actor={props.actor} lang={lang} csrf={props.csrf} active="imports" userName={props.userName}>
      <p><a href={`/admin/imports/${props.importId}`}>← {t(lang, 'imports.title')}</a></p>
      <p class="muted">{t(lang, 'imports.duplicatesHelp')}</p>
      {props.duplicates.length === 0 ? (
        <p class="muted">{t(lang, 'imports.noDuplicates')}</p>
      ) : (
        <table id="duplicates">
          <thead><tr><th>{t(lang, 'imports.newPerson')}</th><th>{t(lang, 'imports.existing')}</th><th></th><th></th></tr></thead>
          <tbody>
            {props.duplicates.map((d) => (
              <tr>
                <td><Who p={d.person} /></td>
                <td><Who p={d.candidate} /></td>
                <td>{d.reasons.map((r) => <span class="badge">{t(lang, `imports.reason.${r}`)}</span>)}</td>
                <td>
                  <form method="post" action={`/admin/duplicates/${d.id}`} data-confirm={lang === 'ja' ? '統合します。よろしいですか？' : 'Merge these two persons?'}>
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <input type="hidden" name="importId" value={props.importId} />
                    <button type="submit" name="decision" value="merge">{t(lang, 'imports.merge')}</button>
                  </form>
                  <form method="post" action={`/admin/duplicates/${d.id}`}>
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <input type="hidden" name="importId" value={props.importId} />
                    <button type="submit" name="decision" value="keep_apart" class="secondary">{t(lang, 'imports.keepApart')}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
