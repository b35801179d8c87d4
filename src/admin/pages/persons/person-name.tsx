import { t, type Lang } from '../../ui/i18n';

/**
 * A person in a list: the name (and kana) linking to their page, or — where the role's
 * identifier access hides names in lists — the case number with a note saying why.
 */
export function PersonName(props: { lang: Lang; id?: string; href?: string; name: string | null; nameKana: string | null; caseNumber: string }) {
  const href = props.href ?? `/admin/persons/${props.id}`;
  if (props.name === null) {
    return (
      <>
        <a href={href}>{props.caseNumber}</a>
        <div class="muted" data-identifiers="hidden">{t(props.lang, 'persons.identifiersHidden')}</div>
      </>
    );
  }
  return (
    <>
      <a href={href}>{props.name}</a>
      {props.nameKana && <div class="muted">{props.nameKana}</div>}
    </>
  );
}
