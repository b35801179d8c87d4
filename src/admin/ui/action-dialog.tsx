import { t, type Lang } from './i18n';

/**
 * A form in a <dialog>, opened from a page's action bar. With script (app.js) the button
 * opens it as a modal; without script the opener is a plain link to `#id`, and
 * `@media (scripting: none)` shows the targeted dialog in place (app.css), so every form
 * still posts. Example: <DialogOpener id="dlg-note" label="メモを追加" /> … <ActionDialog id="dlg-note" …>.
 */
export function ActionDialog(props: { id: string; title: string; lang: Lang; closeTo?: string; children: unknown }) {
  return (
    <dialog id={props.id} class="action-dialog" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.children as never}
      <div class="dialog-buttons"><a class="button secondary" href={props.closeTo ?? '#'} data-close-dialog="1">{t(props.lang, 'common.close')}</a></div>
    </dialog>
  );
}

/** The action bar's opener of an ActionDialog (id `open-<dialog>`): a link that app.js turns into showModal(). */
export function DialogOpener(props: { dialog: string; label: string; cls?: string }) {
  return <a href={`#${props.dialog}`} role="button" class={`button ${props.cls ?? 'secondary'}`} data-open-dialog={props.dialog} id={`open-${props.dialog}`}>{props.label}…</a>;
}
