import { t, type Lang } from '../../ui/i18n';

function Encoding(props: { lang: Lang; id: string }) {
  return (
    <label>{t(props.lang, 'reports.encoding')}
      <select name="encoding" id={props.id}>
        <option value="shift_jis" selected>{t(props.lang, 'reports.encoding.sjis')}</option>
        <option value="utf-8">{t(props.lang, 'reports.encoding.utf8')}</option>
      </select>
    </label>
  );
}

/** Download forms: plain GETs to the export API, which the session cookie authorises. */
export function Exports(props: { lang: Lang; identifying: boolean; range: { from: string; to: string } }) {
  const { lang } = props;
  return (
    <section class="card" id="exports">
      <h2>{t(lang, 'reports.exports')}</h2>
      <p class="muted">{t(lang, 'reports.exportsHelp')}</p>
      {!props.identifying && <p class="muted">{t(lang, 'reports.aggregateOnly')}</p>}
      <div class="grid2">
        <form method="get" action="/api/v1/export/persons.csv" class="filters" id="export-persons">
          <input type="hidden" name="lang" value={lang} />
          <strong>{t(lang, 'reports.exportPersons')}</strong>
          <Encoding lang={lang} id="persons-encoding" />
          <button type="submit">{t(lang, 'reports.download')}</button>
        </form>
        <form method="get" action="/api/v1/export/observations.csv" class="filters" id="export-observations">
          <input type="hidden" name="lang" value={lang} />
          <strong>{t(lang, 'reports.exportObservations')}</strong>
          <label>{t(lang, 'reports.from')}<input type="date" name="from" value={props.range.from} /></label>
          <label>{t(lang, 'reports.to')}<input type="date" name="to" value={props.range.to} /></label>
          <Encoding lang={lang} id="observations-encoding" />
          <button type="submit">{t(lang, 'reports.download')}</button>
        </form>
      </div>
    </section>
  );
}
