import { t, type Lang } from '../ui/i18n';
import { Layout } from '../ui/layout';

/** The recovery codes, shown once right after the second factor is enrolled. */
export function RecoveryCodesPage(props: { lang: Lang; codes: string[]; next: string }) {
  const { lang } = props;
  return (
    <Layout title={t(lang, 'recovery.title')} actor={null} lang={lang} csrf="">
      <p>{t(lang, 'recovery.help')}</p>
      <ul class="recovery-codes" id="recovery-codes">
        {props.codes.map((c) => (
          <li><code data-recovery-code>{c}</code></li>
        ))}
      </ul>
      <p><a class="button" href={props.next}>{t(lang, 'recovery.continue')}</a></p>
    </Layout>
  );
}
