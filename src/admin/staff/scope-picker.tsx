import type { ScopeOption } from '../../domain/staff/assignable-scopes';
import { t, type Lang } from '../ui/i18n';

const GROUPS: ScopeOption['kind'][] = ['health_centre', 'institution', 'prefecture', 'nation'];

/** 所属: a health centre, institution, prefecture or the nation chosen from a list (never a typed code). */
export function ScopePicker(props: { lang: Lang; options: ScopeOption[]; selected?: string | null; name?: string }) {
  const { lang, options } = props;
  return (
    <select name={props.name ?? 'scope'} required>
      <option value="">{t(lang, 'staff.choose')}</option>
      {GROUPS.map((g) => {
        const inGroup = options.filter((o) => o.kind === g);
        return inGroup.length ? (
          <optgroup label={t(lang, `staff.scopeKind.${g}`)}>
            {inGroup.map((o) => (
              <option value={o.value} selected={o.value === props.selected}>
                {`${lang === 'ja' ? o.nameJa : o.nameEn}（${o.code}）`}
              </option>
            ))}
          </optgroup>
        ) : null;
      })}
    </select>
  );
}
